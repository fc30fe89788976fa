using BenchmarkDotNet.Attributes;
using PoseLive.Inference;
using PoseLive.Onnx;
using static PoseLive.Onnx.AttributeProto;
using Ort = Microsoft.ML.OnnxRuntime;

namespace PoseLive.Bench.Inference;

/// <summary>
/// Overhead of PoseLive's inference layer: <see cref="SessionBinding.Run()"/> against the official C# API's plain
/// loop — an <see cref="Ort.OrtIoBinding"/> over OrtValues on the same pinned arrays and
/// <see cref="Ort.InferenceSession.RunWithBinding(Ort.RunOptions, Ort.OrtIoBinding)"/> — on the same session.
/// Target: ratio ≤ 1.03 and 0 B allocated per run. The official API's name/value <c>Run</c> is measured too (it
/// allocates per call). The model is deliberately small (a 3×3 conv + ReLU on 1×3×64×48) so per-call overhead shows.
/// </summary>
[MemoryDiagnoser]
public class OrtRunOverheadBenchmark
{
    private InferenceSession _session = null!;
    private OrtTensor _input = null!, _output = null!;
    private SessionBinding _binding = null!;
    private Dictionary<string, OrtTensor> _inputs = null!, _outputs = null!;
    private Ort.OrtValue _officialIn = null!, _officialOut = null!;
    private Ort.OrtIoBinding _officialBinding = null!;
    private Ort.RunOptions _runOptions = null!;
    private string[] _inNames = null!, _outNames = null!;
    private Ort.OrtValue[] _inValues = null!, _outValues = null!;

    [GlobalSetup]
    public void Setup()
    {
        var g = new OnnxGraphBuilder("bench");
        var x = g.Input("x", OnnxDataType.Float, 1, 3, 64, 48);
        var w = new float[16 * 3 * 9];
        for (int i = 0; i < w.Length; i++) w[i] = MathF.Sin(i);
        var y = g.Node("Relu", [g.Node("Conv", [x, g.Initializer<float>("w", w, 16, 3, 3, 3)], IntList("kernel_shape", 3, 3), IntList("pads", 1, 1, 1, 1))]);
        g.Output(y, OnnxDataType.Float, 1, 16, 64, 48);
        _session = InferenceSession.FromBytes(g.ToBytes(), new InferenceOptions { IntraOpThreads = 1 });
        _input = OrtTensor.Allocate<float>(1, 3, 64, 48);
        _output = OrtTensor.Allocate<float>(1, 16, 64, 48);
        _inputs = new() { ["x"] = _input };
        _outputs = new() { [y] = _output };
        _binding = _session.Bind(_inputs, new Dictionary<string, OrtTensor?> { [y] = _output });

        // The official API's own loop: the same session, OrtValues over the same kind of pinned arrays, bound once.
        var native = _session.Native;
        _officialIn = Ort.OrtValue.CreateTensorValueFromMemory(new float[3 * 64 * 48], [1, 3, 64, 48]);
        _officialOut = Ort.OrtValue.CreateTensorValueFromMemory(new float[16 * 64 * 48], [1, 16, 64, 48]);
        _officialBinding = native.CreateIoBinding();
        _officialBinding.BindInput("x", _officialIn);
        _officialBinding.BindOutput(y, _officialOut);
        _runOptions = new Ort.RunOptions();
        _inNames = ["x"];
        _outNames = [y];
        _inValues = [_officialIn];
        _outValues = [_officialOut];
    }

    [Benchmark(Baseline = true, Description = "official API RunWithBinding")]
    public void OfficialBinding() => _session.Native.RunWithBinding(_runOptions, _officialBinding);

    [Benchmark(Description = "official API Run(names, values)")]
    public void OfficialRun() => _session.Native.Run(_runOptions, _inNames, _inValues, _outNames, _outValues);

    [Benchmark(Description = "SessionBinding.Run")]
    public void PoseLiveBinding() => _binding.Run();

    [Benchmark(Description = "InferenceSession.Run (one-shot, validates + binds each call)")]
    public void PoseLiveOneShot() => _session.Run(_inputs, _outputs);

    [GlobalCleanup]
    public void Cleanup()
    {
        _binding.Dispose();
        _officialBinding.Dispose();
        _runOptions.Dispose();
        _officialIn.Dispose(); _officialOut.Dispose();
        _input.Dispose(); _output.Dispose(); _session.Dispose();
    }
}
