using PoseLive.Inference;
using PoseLive.Onnx;
using PoseLive.Training.Graph;
using PoseLive.Training.Tensors;
using static PoseLive.Onnx.AttributeProto;
using Tensor = PoseLive.Training.Tensors.Tensor;

namespace PoseLive.Tests.Training.Graph;

/// <summary>
/// Single-node ONNX graphs run by ONNX Runtime and by <see cref="OnnxGraphModule"/> on the same random input: every
/// padding, resize and window variant the importers write must agree (≤ 1e-5 absolute on values of order 1).
/// </summary>
[Collection("libtorch")]
public class GraphOpsTests
{
    private static float[] Values(int count, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
    }

    /// <summary>Runs a one-node graph over x [1,C,H,W] both ways; returns the largest absolute difference and the output shape.</summary>
    private static (double Worst, long[] Shape) Compare(string op, long[] inputShape, Action<OnnxGraphBuilder, List<string>> extraInputs, params AttributeProto[] attributes)
    {
        var b = new OnnxGraphBuilder("one");
        var x = b.Input("x", OnnxDataType.Float, [.. inputShape.Select(d => (OnnxDim)d)]);
        var inputs = new List<string> { x };
        extraInputs(b, inputs);
        b.NodeNamed(op, inputs, ["y"], null, attributes);
        b.OutputOfUnknownShape("y", OnnxDataType.Float);
        var model = b.Build();
        var values = Values((int)inputShape.Aggregate(1L, (a, c) => a * c), 7);

        float[] expected;
        long[] shape;
        using (var session = InferenceSession.FromBytes(model.ToByteArray()))
        using (var input = OrtTensor.Create(values, inputShape))
        {
            var outputs = session.Run(new Dictionary<string, OrtTensor> { ["x"] = input });
            expected = outputs["y"].ToArray<float>();
            shape = outputs["y"].Shape.ToArray();
            foreach (var o in outputs.Values) o.Dispose();
        }
        using var graph = new OnnxGraphModule(model, op);
        graph.Eval();
        using var scope = new DisposeScope();
        var y = graph.Forward(Tensor.FromArray(values, inputShape));
        Assert.Equal(shape, y.Shape);
        var got = y.ToFloats();
        return (got.Zip(expected, (g, e) => Math.Abs(g - e)).Max(), shape);
    }

    private static Action<OnnxGraphBuilder, List<string>> Weight(params long[] shape) => (b, inputs) =>
        inputs.Add(b.Initializer<float>("w", Values((int)shape.Aggregate(1L, (a, c) => a * c), 3), shape));

    [Theory]
    [InlineData("SAME_UPPER", 2, 3)]
    [InlineData("SAME_LOWER", 2, 3)]
    [InlineData("SAME_UPPER", 1, 3)]
    [InlineData("VALID", 2, 3)]
    public void Conv_with_automatic_padding_matches(string autoPad, int stride, int kernel)
    {
        var (worst, shape) = Compare("Conv", [1, 3, 11, 10], Weight(4, 3, kernel, kernel), String("auto_pad", autoPad), IntList("strides", stride, stride));
        Assert.True(worst <= 1e-5, $"{autoPad} stride {stride}: {worst:E2}, output [{string.Join(",", shape)}]");
    }

    [Fact]
    public void Depthwise_conv_with_uneven_explicit_pads_matches()
    {
        var (worst, _) = Compare("Conv", [1, 4, 9, 9], Weight(4, 1, 3, 3), Int("group", 4), IntList("pads", 0, 1, 1, 0), IntList("strides", 2, 2));
        Assert.True(worst <= 1e-5, $"{worst:E2}");
    }

    [Theory]
    [InlineData("linear", "asymmetric", "floor")]
    [InlineData("linear", "half_pixel", "floor")]
    [InlineData("linear", "align_corners", "floor")]
    [InlineData("linear", "pytorch_half_pixel", "floor")]
    [InlineData("nearest", "asymmetric", "floor")]
    [InlineData("nearest", "tf_half_pixel_for_nn", "round_prefer_ceil")]
    [InlineData("nearest", "align_corners", "round_prefer_ceil")]
    [InlineData("nearest", "half_pixel", "round_prefer_floor")]
    public void Resize_modes_match(string mode, string transform, string nearest)
    {
        var (worst, shape) = Compare("Resize", [1, 2, 5, 7], (b, inputs) =>
        {
            inputs.Add("");
            inputs.Add("");
            inputs.Add(b.Initializer<long>("sizes", [1, 2, 12, 9], 4));
        }, String("mode", mode), String("coordinate_transformation_mode", transform), String("nearest_mode", nearest));
        Assert.Equal([1L, 2, 12, 9], shape);
        
        Assert.True(worst <= 1e-5, $"{mode}/{transform}/{nearest}: {worst:E2}");
    }

    [Theory]
    [InlineData("MaxPool", "SAME_UPPER", 0)]
    [InlineData("MaxPool", "NOTSET", 0)]
    [InlineData("AveragePool", "NOTSET", 0)]
    [InlineData("AveragePool", "NOTSET", 1)]
    [InlineData("AveragePool", "VALID", 0)]
    public void Pools_match(string op, string autoPad, int countIncludePad)
    {
        var attributes = new List<AttributeProto> { IntList("kernel_shape", 3, 3), IntList("strides", 2, 2) };
        if (autoPad == "NOTSET") attributes.Add(IntList("pads", 1, 1, 1, 1));
        else attributes.Add(String("auto_pad", autoPad));
        if (op == "AveragePool") attributes.Add(Int("count_include_pad", countIncludePad));
        var (worst, _) = Compare(op, [1, 2, 10, 9], (_, _) => { }, [.. attributes]);
        Assert.True(worst <= 1e-5, $"{op} {autoPad}: {worst:E2}");
    }

    [Theory]
    [InlineData("constant")]
    [InlineData("reflect")]
    [InlineData("edge")]
    public void Pad_modes_match(string mode)
    {
        var (worst, shape) = Compare("Pad", [1, 2, 5, 6], (b, inputs) => inputs.Add(b.Initializer<long>("pads", [0, 0, 1, 2, 0, 0, 2, 1], 8)), String("mode", mode));
        Assert.Equal([1L, 2, 8, 9], shape);
        Assert.True(worst <= 1e-6, $"{mode}: {worst:E2}");
    }

    [Theory]
    [InlineData("HardSwish")]
    [InlineData("HardSigmoid")]
    [InlineData("LeakyRelu")]
    [InlineData("Sigmoid")]
    [InlineData("Softmax")]
    public void Activations_match(string op)
    {
        var (worst, _) = Compare(op, [1, 3, 4, 5], (_, _) => { });
        Assert.True(worst <= 1e-6, $"{op}: {worst:E2}");
    }

    [Fact]
    public void Shape_arithmetic_feeds_a_reshape_like_onnx_runtime()
    {
        // y = Reshape(x, Concat(Slice(Shape(x), 0, 2), [-1])): the Shape → Slice → Concat chain TF.js graphs carry.
        var b = new OnnxGraphBuilder("shape");
        var x = b.Input("x", OnnxDataType.Float, 2, 3, 4, 5);
        var shape = b.Node("Shape", [x]);
        var nc = b.Node("Slice", [shape, b.Initializer<long>("s", [0], 1), b.Initializer<long>("e", [2], 1), b.Initializer<long>("a", [0], 1)]);
        var target = b.Node("Concat", [nc, b.Initializer<long>("m", [-1], 1)], Int("axis", 0));
        var reshaped = b.Node("Reshape", [x, target]);
        var picked = b.Node("Gather", [reshaped, b.Initializer<long>("i", [2, -1], 2)], Int("axis", 2));
        b.NodeNamed("Transpose", [picked], ["y"], null, IntList("perm", 2, 0, 1));
        b.OutputOfUnknownShape("y", OnnxDataType.Float);
        var model = b.Build();
        var values = Values(120, 1);
        using var session = InferenceSession.FromBytes(model.ToByteArray());
        using var input = OrtTensor.Create(values, 2, 3, 4, 5);
        var outputs = session.Run(new Dictionary<string, OrtTensor> { ["x"] = input });
        var expected = outputs["y"].ToArray<float>();
        foreach (var o in outputs.Values) o.Dispose();

        using var graph = new OnnxGraphModule(model, "shape");
        using var scope = new DisposeScope();
        var y = graph.Forward(Tensor.FromArray(values, 2, 3, 4, 5));
        Assert.Equal([2L, 2, 3], y.Shape);
        Assert.Equal(expected, y.ToFloats());
    }
}
