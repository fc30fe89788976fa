using PoseLive.Inference;
using PoseLive.Onnx;
using PoseLive.Tests.TestSupport;
using static PoseLive.Onnx.AttributeProto;

namespace PoseLive.Tests.Inference;

/// <summary>
/// Small graphs built with the ONNX writer, run by the real ONNX Runtime, checked against independent
/// C# implementations of each operator.
/// </summary>
public class OrtOperatorTests
{
    private static readonly InferenceOptions SingleThread = new() { IntraOpThreads = 1 };

    private static float[] RunSingle(byte[] model, float[] input, long[] shape, string inputName = "x")
    {
        using var session = InferenceSession.FromBytes(model, SingleThread);
        using var x = OrtTensor.Create(input, shape);
        var outputs = session.Run(new Dictionary<string, OrtTensor> { [inputName] = x });
        try { return outputs[session.Outputs[0].Name].ToArray<float>(); }
        finally { foreach (var t in outputs.Values) t.Dispose(); }
    }

    [Theory]
    [InlineData(1, 1, 1)]   // plain 3x3 conv, stride 1, same padding
    [InlineData(2, 0, 1)]   // stride 2, no padding
    [InlineData(1, 1, 2)]   // grouped
    [InlineData(1, 1, 4)]   // depthwise (group = channels)
    public void Conv_with_bias_matches_reference(int stride, int pad, int group)
    {
        const int n = 1, c = 4, h = 7, w = 6, m = 4, k = 3;
        var x = TestData.Floats(n * c * h * w, 1);
        var weight = TestData.Floats(m * (c / group) * k * k, 2, 0.5f);
        var bias = TestData.Floats(m, 3);
        var g = new OnnxGraphBuilder("conv");
        var input = g.Input("x", OnnxDataType.Float, n, c, h, w);
        var wName = g.Initializer<float>("w", weight, m, c / group, k, k);
        var bName = g.Initializer<float>("b", bias, m);
        var y = g.Node("Conv", [input, wName, bName], IntList("kernel_shape", k, k), IntList("strides", stride, stride),
            IntList("pads", pad, pad, pad, pad), Int("group", group));
        var expected = ReferenceOps.Conv(x, n, c, h, w, weight, m, k, k, bias, stride, pad, group, out int oh, out int ow);
        g.Output(y, OnnxDataType.Float, n, m, oh, ow);

        var actual = RunSingle(g.ToBytes(), x, [n, c, h, w]);

        Assert.Equal(expected.Length, actual.Length);
        Assert.True(TestData.MaxAbsDiff(expected, actual) < 1e-5, $"max diff {TestData.MaxAbsDiff(expected, actual)}");
    }

    [Fact]
    public void Gemm_transB_alpha_beta_matches_reference()
    {
        const int rows = 3, inner = 4, cols = 5;
        var a = TestData.Floats(rows * inner, 10);
        var b = TestData.Floats(cols * inner, 11);
        var c = TestData.Floats(cols, 12);
        var g = new OnnxGraphBuilder("gemm");
        var x = g.Input("x", OnnxDataType.Float, rows, inner);
        var y = g.Node("Gemm", [x, g.Initializer<float>("b", b, cols, inner), g.Initializer<float>("c", c, cols)],
            Int("transB", 1), Float("alpha", 0.5f), Float("beta", 2f));
        g.Output(y, OnnxDataType.Float, rows, cols);

        var actual = RunSingle(g.ToBytes(), a, [rows, inner]);

        var expected = ReferenceOps.GemmTransB(a, rows, inner, b, cols, c, 0.5f, 2f);
        Assert.True(TestData.MaxAbsDiff(expected, actual) < 1e-5);
    }

    [Fact]
    public void Add_broadcast_then_Relu_and_Sigmoid_match_reference()
    {
        var x = TestData.Floats(2 * 3 * 4, 20, 3f);
        var bias = TestData.Floats(3, 21);
        var g = new OnnxGraphBuilder("act");
        var input = g.Input("x", OnnxDataType.Float, 2, 3, 4);
        var added = g.Node("Add", [input, g.Initializer<float>("bias", bias, 3, 1)]);
        var relu = g.Node("Relu", [added]);
        var sig = g.Node("Sigmoid", [added]);
        g.Output(relu, OnnxDataType.Float, 2, 3, 4);
        g.Output(sig, OnnxDataType.Float, 2, 3, 4);

        using var session = InferenceSession.FromBytes(g.ToBytes(), SingleThread);
        using var tx = OrtTensor.Create(x, 2, 3, 4);
        var outputs = session.Run(new Dictionary<string, OrtTensor> { ["x"] = tx });
        var r = outputs[relu].ToArray<float>();
        var s = outputs[sig].ToArray<float>();
        foreach (var t in outputs.Values) t.Dispose();

        for (int i = 0; i < x.Length; i++)
        {
            float v = x[i] + bias[i / 4 % 3];
            Assert.Equal(ReferenceOps.Relu(v), r[i]);                        // exact
            Assert.True(Math.Abs(ReferenceOps.Sigmoid(v) - s[i]) < 1e-6f);   // ORT's vectorised sigmoid is approximate
        }
        Assert.Contains(r, v => v == 0f);   // the data does exercise the negative branch
        Assert.Contains(r, v => v > 0f);
    }

    [Theory]
    [InlineData(ReferenceOps.ResizeMode.NearestAsymmetricFloor)]
    [InlineData(ReferenceOps.ResizeMode.LinearHalfPixel)]
    [InlineData(ReferenceOps.ResizeMode.LinearAlignCorners)]
    public void Resize_matches_reference(ReferenceOps.ResizeMode mode)
    {
        const int c = 2, h = 3, w = 5, oh = 7, ow = 10;
        var x = TestData.Floats(c * h * w, 30);
        var g = new OnnxGraphBuilder("resize");
        var input = g.Input("x", OnnxDataType.Float, 1, c, h, w);
        var sizes = g.Initializer<long>("sizes", [1, c, oh, ow], 4);
        var attrs = mode switch
        {
            ReferenceOps.ResizeMode.NearestAsymmetricFloor => new[] { String("mode", "nearest"), String("coordinate_transformation_mode", "asymmetric"), String("nearest_mode", "floor") },
            ReferenceOps.ResizeMode.LinearHalfPixel => [String("mode", "linear"), String("coordinate_transformation_mode", "half_pixel")],
            _ => [String("mode", "linear"), String("coordinate_transformation_mode", "align_corners")],
        };
        var y = g.Node("Resize", [input, "", "", sizes], attrs);
        g.Output(y, OnnxDataType.Float, 1, c, oh, ow);

        var actual = RunSingle(g.ToBytes(), x, [1, c, h, w]);

        var expected = ReferenceOps.Resize(x, c, h, w, oh, ow, mode);
        Assert.True(TestData.MaxAbsDiff(expected, actual) < 1e-5, $"max diff {TestData.MaxAbsDiff(expected, actual)}");
    }

    [Fact]
    public void Concat_on_channel_axis_places_inputs_in_order()
    {
        var a = TestData.Floats(1 * 2 * 2 * 2, 40);
        var b = TestData.Floats(1 * 3 * 2 * 2, 41);
        var g = new OnnxGraphBuilder("concat");
        var input = g.Input("x", OnnxDataType.Float, 1, 2, 2, 2);
        var y = g.Node("Concat", [input, g.Initializer<float>("b", b, 1, 3, 2, 2)], Int("axis", 1));
        g.Output(y, OnnxDataType.Float, 1, 5, 2, 2);

        var actual = RunSingle(g.ToBytes(), a, [1, 2, 2, 2]);

        Assert.Equal([.. a, .. b], actual);
    }

    [Theory]
    [InlineData(2, 2, 0)]
    [InlineData(3, 2, 1)]
    [InlineData(3, 1, 1)]  // the 3x3 stride-1 peak test CenterNet decoding uses
    public void MaxPool_matches_reference(int kernel, int stride, int pad)
    {
        const int c = 3, h = 6, w = 7;
        var x = TestData.Floats(c * h * w, 50);
        var expected = ReferenceOps.MaxPool(x, 1, c, h, w, kernel, stride, pad, out int oh, out int ow);
        var g = new OnnxGraphBuilder("pool");
        var input = g.Input("x", OnnxDataType.Float, 1, c, h, w);
        var y = g.Node("MaxPool", [input], IntList("kernel_shape", kernel, kernel), IntList("strides", stride, stride), IntList("pads", pad, pad, pad, pad));
        g.Output(y, OnnxDataType.Float, 1, c, oh, ow);

        var actual = RunSingle(g.ToBytes(), x, [1, c, h, w]);

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Batch_of_three_through_dynamic_batch_equals_reference_and_single_runs()
    {
        const int n = 3, c = 2, h = 5, w = 5, m = 3;
        var x = TestData.Floats(n * c * h * w, 60);
        var weight = TestData.Floats(m * c * 9, 61);
        var g = new OnnxGraphBuilder("batch");
        var input = g.Input("x", OnnxDataType.Float, "N", c, h, w);
        var conv = g.Node("Conv", [input, g.Initializer<float>("w", weight, m, c, 3, 3)], IntList("kernel_shape", 3, 3), IntList("pads", 1, 1, 1, 1));
        var y = g.Node("Relu", [conv]);
        g.Output(y, OnnxDataType.Float, "N", m, h, w);
        var model = g.ToBytes();

        using var session = InferenceSession.FromBytes(model, SingleThread);
        Assert.Equal(-1, session.Inputs[0].Shape[0]);
        Assert.Equal("N", session.Inputs[0].SymbolicDims[0]);

        var batched = RunSingle(model, x, [n, c, h, w]);
        var expected = ReferenceOps.Conv(x, n, c, h, w, weight, m, 3, 3, null, 1, 1, 1, out _, out _).Select(ReferenceOps.Relu).ToArray();
        Assert.True(TestData.MaxAbsDiff(expected, batched) < 1e-5);

        int per = c * h * w, perOut = m * h * w;
        for (int b = 0; b < n; b++)
        {
            var single = RunSingle(model, x.AsSpan(b * per, per).ToArray(), [1, c, h, w]);
            Assert.True(TestData.MaxAbsDiff(single, batched.AsSpan(b * perOut, perOut)) < 1e-6);
        }
    }
}
