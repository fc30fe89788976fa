using PoseLive.Onnx;
using PoseLive.Training.Export;
using PoseLive.Training.Tensors;

namespace PoseLive.Training.Modules;

/// <summary>Fresh weights: uniform-like Gaussian with std sqrt(1/fan), PyTorch's scale for conv layers.</summary>
internal static class Init
{
    public static Tensor Weight(params long[] shape)
    {
        long fan = Math.Max(1, shape.Skip(1).Aggregate(1L, (a, b) => a * b));
        using var scope = new DisposeScope();
        return scope.MoveToOuter((Tensor.Randn(shape) * Math.Sqrt(1.0 / fan)).Detach());
    }

    public static Tensor Filled(float value, params long[] shape)
    {
        var t = Tensor.Zeros(shape);
        if (value != 0) t.CopyFrom(Enumerable.Repeat(value, (int)t.ElementCount).ToArray());
        return t;
    }
}

/// <summary>nn.Conv2d (square kernel): weight [out, in/groups, k, k], optional bias [out].</summary>
public sealed class Conv2d : Module
{
    private readonly Tensor _weight;
    private readonly Tensor? _bias;
    public int Stride { get; }
    public int Padding { get; }
    public int Groups { get; }

    public Conv2d(int inChannels, int outChannels, int kernel, int stride = 1, int padding = 0, int groups = 1, bool bias = true)
    {
        (Stride, Padding, Groups) = (stride, padding, groups);
        _weight = RegisterParameter("weight", Init.Weight(outChannels, inChannels / groups, kernel, kernel));
        if (bias) _bias = RegisterParameter("bias", Tensor.Zeros(outChannels));
    }

    public override Tensor Forward(Tensor input) => Functional.Conv2d(input, _weight, _bias, Stride, Padding, groups: Groups);

    public override string ExportOnnx(OnnxExportContext context, string input)
    {
        long k = _weight.Shape[2];
        var inputs = new List<string> { input, context.Weight("weight", _weight) };
        if (_bias is not null) inputs.Add(context.Weight("bias", _bias));
        return context.Graph.Node("Conv", inputs, AttributeProto.IntList("kernel_shape", k, k), AttributeProto.IntList("strides", Stride, Stride),
            AttributeProto.IntList("pads", Padding, Padding, Padding, Padding), AttributeProto.Int("group", Groups));
    }
}

/// <summary>nn.ConvTranspose2d (square kernel): weight [in, out/groups, k, k].</summary>
public sealed class ConvTranspose2d : Module
{
    private readonly Tensor _weight;
    private readonly Tensor? _bias;
    private readonly int _stride, _padding, _outputPadding, _groups;

    public ConvTranspose2d(int inChannels, int outChannels, int kernel, int stride, int padding, int outputPadding = 0, int groups = 1, bool bias = true)
    {
        (_stride, _padding, _outputPadding, _groups) = (stride, padding, outputPadding, groups);
        _weight = RegisterParameter("weight", Init.Weight(inChannels, outChannels / groups, kernel, kernel));
        if (bias) _bias = RegisterParameter("bias", Tensor.Zeros(outChannels));
    }

    public override Tensor Forward(Tensor input) =>
        Functional.ConvTranspose2d(input, _weight, _bias, _stride, _padding, _outputPadding, _groups);

    public override string ExportOnnx(OnnxExportContext context, string input)
    {
        long k = _weight.Shape[2];
        var inputs = new List<string> { input, context.Weight("weight", _weight) };
        if (_bias is not null) inputs.Add(context.Weight("bias", _bias));
        return context.Graph.Node("ConvTranspose", inputs, AttributeProto.IntList("kernel_shape", k, k), AttributeProto.IntList("strides", _stride, _stride),
            AttributeProto.IntList("pads", _padding, _padding, _padding, _padding), AttributeProto.IntList("output_padding", _outputPadding, _outputPadding),
            AttributeProto.Int("group", _groups));
    }
}

/// <summary>nn.BatchNorm2d: weight/bias [C], buffers running_mean, running_var, num_batches_tracked.</summary>
public sealed class BatchNorm2d : Module
{
    private readonly Tensor _weight, _bias, _runningMean, _runningVar, _batches;
    private readonly double _momentum, _eps;

    public BatchNorm2d(int channels, double momentum = 0.1, double eps = 1e-5)
    {
        (_momentum, _eps) = (momentum, eps);
        _weight = RegisterParameter("weight", Init.Filled(1, channels));
        _bias = RegisterParameter("bias", Tensor.Zeros(channels));
        _runningMean = RegisterBuffer("running_mean", Tensor.Zeros(channels));
        _runningVar = RegisterBuffer("running_var", Init.Filled(1, channels));
        _batches = RegisterBuffer("num_batches_tracked", Tensor.FromArray(new long[] { 0 }));
    }

    public override Tensor Forward(Tensor input)
    {
        if (IsTraining) _batches.AddInPlace(1);
        return Functional.BatchNorm(input, _runningMean, _runningVar, _weight, _bias, IsTraining, _momentum, _eps);
    }

    /// <summary>Exported with the running statistics (evaluation semantics).</summary>
    public override string ExportOnnx(OnnxExportContext context, string input) =>
        context.Graph.Node("BatchNormalization",
            [input, context.Weight("weight", _weight), context.Weight("bias", _bias), context.Weight("running_mean", _runningMean), context.Weight("running_var", _runningVar)],
            AttributeProto.Float("epsilon", (float)_eps));
}

/// <summary>nn.LayerNorm over the trailing <c>shape</c> dimensions, elementwise affine.</summary>
public sealed class LayerNorm : Module
{
    private readonly Tensor _weight, _bias;
    private readonly long[] _shape;
    private readonly double _eps;

    public LayerNorm(long[] shape, double eps = 1e-5)
    {
        (_shape, _eps) = (shape, eps);
        _weight = RegisterParameter("weight", Init.Filled(1, shape));
        _bias = RegisterParameter("bias", Tensor.Zeros(shape));
    }

    public override Tensor Forward(Tensor input) => Functional.LayerNorm(input, _shape, _weight, _bias, _eps);

    /// <summary>LayerNormalization over the trailing dimensions (axis = -rank of the normalised shape).</summary>
    public override string ExportOnnx(OnnxExportContext context, string input) =>
        context.Graph.Node("LayerNormalization", [input, context.Weight("weight", _weight), context.Weight("bias", _bias)],
            AttributeProto.Int("axis", -_shape.Length), AttributeProto.Float("epsilon", (float)_eps));
}

public sealed class ReLU : Module
{
    public override Tensor Forward(Tensor input) => input.Relu();

    public override string ExportOnnx(OnnxExportContext context, string input) => context.Graph.Node("Relu", [input]);
}

public sealed class MaxPool2d(int kernel, int stride, int padding = 0) : Module
{
    public override Tensor Forward(Tensor input) => Functional.MaxPool2d(input, kernel, stride, padding);

    public override string ExportOnnx(OnnxExportContext context, string input) =>
        context.Graph.Node("MaxPool", [input], AttributeProto.IntList("kernel_shape", kernel, kernel), AttributeProto.IntList("strides", stride, stride),
            AttributeProto.IntList("pads", padding, padding, padding, padding));
}

/// <summary>nn.Sequential: children named "0", "1", …; parameter-free layers still take an index.</summary>
public sealed class Sequential : Module
{
    private readonly List<Module> _layers = [];

    public Sequential(params Module[] layers)
    {
        foreach (var l in layers) Add(l);
    }

    public void Add(Module layer)
    {
        RegisterModule(_layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), layer);
        _layers.Add(layer);
    }

    public int Count => _layers.Count;

    public override Tensor Forward(Tensor input)
    {
        var x = input;
        foreach (var l in _layers)
        {
            var next = l.Forward(x);
            if (!ReferenceEquals(x, input) && !ReferenceEquals(x, next)) x.Dispose(); // freed unless autograd saved it
            x = next;
        }
        return x;
    }

    public override string ExportOnnx(OnnxExportContext context, string input)
    {
        var x = input;
        for (int i = 0; i < _layers.Count; i++) x = context.Child(i.ToString(System.Globalization.CultureInfo.InvariantCulture), _layers[i], x);
        return x;
    }
}
