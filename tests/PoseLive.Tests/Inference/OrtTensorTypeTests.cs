using PoseLive.Diagnostics;
using PoseLive.Inference;
using PoseLive.Onnx;
using static PoseLive.Onnx.AttributeProto;

namespace PoseLive.Tests.Inference;

/// <summary>Element types, reusable bindings, model introspection and log routing.</summary>
public class OrtTensorTypeTests
{
    private static readonly InferenceOptions SingleThread = new() { IntraOpThreads = 1 };

    [Fact]
    public void Float16_model_runs_and_matches_half_arithmetic()
    {
        Half[] bias = [(Half)0.5f, (Half)(-1.25f), (Half)2f];
        var g = new OnnxGraphBuilder("fp16");
        var x = g.Input("x", OnnxDataType.Float16, 2, 3);
        var y = g.Node("Relu", [g.Node("Add", [x, g.Initializer<Half>("b", bias, 3)])]);
        g.Output(y, OnnxDataType.Float16, 2, 3);
        Half[] input = [(Half)1f, (Half)0.5f, (Half)(-3f), (Half)(-0.75f), (Half)1.5f, (Half)0.125f];

        using var session = InferenceSession.FromBytes(g.ToBytes(), SingleThread);
        Assert.Equal(OnnxDataType.Float16, session.Inputs[0].ElementType);
        using var tx = OrtTensor.Create(input, 2, 3);
        using var ty = OrtTensor.Allocate<Half>(2, 3);
        session.Run(new Dictionary<string, OrtTensor> { ["x"] = tx }, new Dictionary<string, OrtTensor> { [y] = ty });

        var expected = input.Select((v, i) => (Half)Math.Max(0f, (float)v + (float)bias[i % 3])).ToArray();
        Assert.Equal(expected, ty.ToArray<Half>());
        Assert.Equal((Half)1.5f, ty.Span<Half>()[0]);
    }

    [Fact]
    public void Integer_and_uint8_tensors_round_trip_through_the_runtime()
    {
        var g = new OnnxGraphBuilder("ints");
        var i32 = g.Input("i32", OnnxDataType.Int32, 4);
        var i64 = g.Input("i64", OnnxDataType.Int64, 4);
        var u8 = g.Input("u8", OnnxDataType.UInt8, 4);
        var sum32 = g.Node("Add", [i32, g.Initializer<int>("k32", [100, -100, 7, int.MaxValue - 10], 4)]);
        var mul64 = g.Node("Mul", [i64, g.Initializer<long>("k64", [3L, -2L, 1L << 33, 0L], 4)]);
        var scaled = g.Node("Mul", [g.Node("Cast", [u8], Int("to", (long)OnnxDataType.Float)), g.Initializer<float>("inv255", [1f / 255f], 1)]);
        g.Output(sum32, OnnxDataType.Int32, 4);
        g.Output(mul64, OnnxDataType.Int64, 4);
        g.Output(scaled, OnnxDataType.Float, 4);

        using var session = InferenceSession.FromBytes(g.ToBytes(), SingleThread);
        using var a = OrtTensor.Create(new[] { 1, 2, 3, 4 }, 4);
        using var b = OrtTensor.Create(new[] { 5L, 6L, 7L, 8L }, 4);
        using var c = OrtTensor.Create(new byte[] { 0, 51, 255, 128 }, 4);
        var outputs = session.Run(new Dictionary<string, OrtTensor> { ["i32"] = a, ["i64"] = b, ["u8"] = c });

        Assert.Equal([101, -98, 10, int.MaxValue - 6], outputs[sum32].ToArray<int>());
        Assert.Equal([15L, -12L, 7L << 33, 0L], outputs[mul64].ToArray<long>());
        var f = outputs[scaled].ToArray<float>();
        Assert.Equal([0f, 0.2f, 1f, 128f / 255f], f.Select(v => MathF.Round(v, 6)).ToArray(), new FloatTolerance(1e-6f));
        foreach (var t in outputs.Values) t.Dispose();
    }

    [Fact]
    public void Binding_reuses_preallocated_tensors_across_runs_without_copies()
    {
        var g = new OnnxGraphBuilder("scale");
        var x = g.Input("x", OnnxDataType.Float, 1, 4);
        var y = g.Node("Mul", [x, g.Initializer<float>("two", [2f], 1)]);
        g.Output(y, OnnxDataType.Float, 1, 4);
        using var session = InferenceSession.FromBytes(g.ToBytes(), SingleThread);
        var inputBuffer = new float[4];
        var outputBuffer = new float[4];
        using var tx = OrtTensor.Create(inputBuffer, 1, 4);
        using var ty = OrtTensor.Create(outputBuffer, 1, 4);
        using var binding = session.Bind(new Dictionary<string, OrtTensor> { ["x"] = tx }, new Dictionary<string, OrtTensor?> { [y] = ty });

        for (int run = 1; run <= 3; run++)
        {
            for (int i = 0; i < 4; i++) inputBuffer[i] = run * 10 + i;   // written straight into the managed array
            binding.Run();
            Assert.Equal(new float[] { run * 20, run * 20 + 2, run * 20 + 4, run * 20 + 6 }, outputBuffer); // read straight back
        }
    }

    [Fact]
    public void Binding_with_runtime_allocated_output_returns_each_run_once()
    {
        var g = new OnnxGraphBuilder("neg");
        var x = g.Input("x", OnnxDataType.Float, "N");
        var y = g.Node("Neg", [x]);
        g.Output(y, OnnxDataType.Float, "N");
        using var session = InferenceSession.FromBytes(g.ToBytes(), SingleThread);
        using var tx = OrtTensor.Create(new[] { 1f, -2f, 3f }, 3);
        using var binding = session.Bind(new Dictionary<string, OrtTensor> { ["x"] = tx }, new Dictionary<string, OrtTensor?> { [y] = null });

        binding.Run();
        using var first = binding.TakeOutput(y);
        Assert.Equal([-1f, 2f, -3f], first.ToArray<float>());
        Assert.Equal([3L], first.Shape.ToArray());
        Assert.Throws<InvalidOperationException>(() => binding.TakeOutput(y));
    }

    [Fact]
    public void Session_reports_names_types_and_shapes()
    {
        var g = new OnnxGraphBuilder("meta");
        var img = g.Input("image", OnnxDataType.UInt8, "batch", 3, 32, 24);
        var f = g.Node("Cast", [img], Int("to", (long)OnnxDataType.Float));
        g.Output(f, OnnxDataType.Float, "batch", 3, 32, 24);
        using var session = InferenceSession.FromBytes(g.ToBytes(), SingleThread, "meta.onnx");

        var input = Assert.Single(session.Inputs);
        Assert.Equal("image", input.Name);
        Assert.Equal(OnnxDataType.UInt8, input.ElementType);
        Assert.Equal([-1L, 3, 32, 24], input.Shape);
        Assert.Equal("[batch,3,32,24]", input.ShapeText);
        var output = Assert.Single(session.Outputs);
        Assert.Equal(OnnxDataType.Float, output.ElementType);
        Assert.Equal(ExecutionProvider.Cpu, session.Provider);
    }

    [Fact]
    public void Runtime_warnings_are_routed_to_the_PoseLive_log()
    {
        var records = new List<LogRecord>();
        var previous = Log.SetSink(r => { lock (records) records.Add(r); });
        try
        {
            var g = new OnnxGraphBuilder("unused");
            var x = g.Input("x", OnnxDataType.Float, 2);
            g.Initializer<float>("never_used_weight_7f3a", [1f, 2f], 2); // ORT warns that it removes it
            g.Output(g.Node("Relu", [x]), OnnxDataType.Float, 2);
            using var session = InferenceSession.FromBytes(g.ToBytes(), SingleThread);
        }
        finally
        {
            Log.SetSink(previous);
        }
        lock (records)
            Assert.Contains(records, r => r.Source == "onnxruntime" && r.Level == LogLevel.Warning && r.Message.Contains("never_used_weight_7f3a"));
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= tolerance;
        public int GetHashCode(float v) => 0;
    }
}
