using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using PoseLive.Inference;
using PoseLive.Interop.Ort;
using PoseLive.Onnx;
using static PoseLive.Onnx.AttributeProto;

namespace PoseLive.Bench.Inference;

/// <summary>
/// Overhead of PoseLive's ORT binding: <see cref="SessionBinding.Run()"/> against a tight loop of raw
/// C-API <c>Run</c> calls on the same session and the same tensors. Target: ratio ≤ 1.03.
/// The model is deliberately small (a 3×3 conv + ReLU on 1×3×64×48) so per-call overhead shows.
/// </summary>
[MemoryDiagnoser]
public unsafe class OrtRunOverheadBenchmark
{
    private InferenceSession _session = null!;
    private OrtTensor _input = null!, _output = null!;
    private SessionBinding _binding = null!;
    private Dictionary<string, OrtTensor> _inputs = null!, _outputs = null!;
    private nint _runOptions;
    private nint* _inNames, _outNames, _inValues, _outValues;
    private OrtSessionHandle _rawSession = null!;

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

        // The raw loop: the same session, the same OrtValues, names and arrays prepared by hand.
        _rawSession = _session.Handle;
        nint ro;
        OrtStatus.Check(OrtApi.CreateRunOptions(&ro));
        _runOptions = ro;
        _inNames = (nint*)NativeMemory.Alloc(1, (nuint)sizeof(nint));
        _outNames = (nint*)NativeMemory.Alloc(1, (nuint)sizeof(nint));
        _inValues = (nint*)NativeMemory.Alloc(1, (nuint)sizeof(nint));
        _outValues = (nint*)NativeMemory.Alloc(1, (nuint)sizeof(nint));
        _inNames[0] = Marshal.StringToCoTaskMemUTF8("x");
        _outNames[0] = Marshal.StringToCoTaskMemUTF8(y);
        _inValues[0] = _input.Handle.Pointer;
        _outValues[0] = _output.Handle.Pointer;
    }

    [Benchmark(Baseline = true, Description = "raw C API Run")]
    public void RawCApi()
    {
        var status = OrtApi.Run(_rawSession.Pointer, _runOptions, _inNames, _inValues, 1, _outNames, 1, _outValues);
        if (status != 0) OrtStatus.Check(status);
    }

    [Benchmark(Description = "SessionBinding.Run")]
    public void PoseLiveBinding() => _binding.Run();

    [Benchmark(Description = "InferenceSession.Run (one-shot, validates + binds each call)")]
    public void PoseLiveOneShot() => _session.Run(_inputs, _outputs);

    [GlobalCleanup]
    public void Cleanup()
    {
        _binding.Dispose();
        OrtApi.ReleaseRunOptions(_runOptions);
        Marshal.FreeCoTaskMem(_inNames[0]);
        Marshal.FreeCoTaskMem(_outNames[0]);
        NativeMemory.Free(_inNames); NativeMemory.Free(_outNames); NativeMemory.Free(_inValues); NativeMemory.Free(_outValues);
        _input.Dispose(); _output.Dispose(); _session.Dispose();
    }
}
