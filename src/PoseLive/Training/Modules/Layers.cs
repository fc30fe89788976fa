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
    private readonly double _eps;

    public BatchNorm2d(int channels, double momentum = 0.1, double eps = 1e-5)
    {
        (Momentum, _eps) = (momentum, eps);
        _weight = RegisterParameter("weight", Init.Filled(1, channels));
        _bias = RegisterParameter("bias", Tensor.Zeros(channels));
        _runningMean = RegisterBuffer("running_mean", Tensor.Zeros(channels));
        _runningVar = RegisterBuffer("running_var", Init.Filled(1, channels));
        _batches = RegisterBuffer("num_batches_tracked", Tensor.FromArray(new long[] { 0 }));
    }

    public override Tensor Forward(Tensor input)
    {
        if (IsTraining) _batches.AddInPlace(1);
        return Functional.BatchNorm(input, _runningMean, _runningVar, _weight, _bias, IsTraining, Momentum, _eps);
    }

    /// <summary>Weight of the current batch in the running statistics (1 replaces them with the batch's, for re-calibration).</summary>
    public double Momentum { get; set; }

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

/// <summary>nn.ReLU; with <c>inPlace</c> it overwrites its input (PyTorch's inplace=True, as the official nets use after BN).</summary>
public sealed class ReLU(bool inPlace = false) : Module
{
    public bool InPlace { get; } = inPlace;

    public override Tensor Forward(Tensor input) => InPlace ? input.ReluInPlace() : input.Relu();

    public override string ExportOnnx(OnnxExportContext context, string input) => context.Graph.Node("Relu", [input]);
}

public sealed class MaxPool2d(int kernel, int stride, int padding = 0) : Module
{
    public override Tensor Forward(Tensor input) => Functional.MaxPool2d(input, kernel, stride, padding);

    public override string ExportOnnx(OnnxExportContext context, string input) =>
        context.Graph.Node("MaxPool", [input], AttributeProto.IntList("kernel_shape", kernel, kernel), AttributeProto.IntList("strides", stride, stride),
            AttributeProto.IntList("pads", padding, padding, padding, padding));
}

/// <summary>nn.Upsample(scale_factor = s, mode = 'nearest'); exported as ONNX Resize (asymmetric, floor), PyTorch's nearest.</summary>
public sealed class UpsampleNearest(int scale) : Module
{
    public int Scale { get; } = scale;

    public override Tensor Forward(Tensor input) => Functional.UpsampleNearest(input, Scale);

    public override string ExportOnnx(OnnxExportContext context, string input) =>
        context.Graph.Node("Resize", [input, "", context.ConstantFloats("scales", [1f, 1f, Scale, Scale])],
            AttributeProto.String("mode", "nearest"), AttributeProto.String("coordinate_transformation_mode", "asymmetric"),
            AttributeProto.String("nearest_mode", "floor"));
}

/// <summary>nn.AvgPool2d (square window).</summary>
public sealed class AvgPool2d(int kernel, int stride, int padding = 0, bool countIncludePad = true) : Module
{
    public override Tensor Forward(Tensor input) => Functional.AvgPool2d(input, kernel, stride, padding, countIncludePad: countIncludePad);

    public override string ExportOnnx(OnnxExportContext context, string input) =>
        context.Graph.Node("AveragePool", [input], AttributeProto.IntList("kernel_shape", kernel, kernel), AttributeProto.IntList("strides", stride, stride),
            AttributeProto.IntList("pads", padding, padding, padding, padding), AttributeProto.Int("count_include_pad", countIncludePad ? 1 : 0));
}

/// <summary>nn.ReLU6 (MobileNet-style blocks); exported as Clip(0, 6).</summary>
public sealed class ReLU6 : Module
{
    public override Tensor Forward(Tensor input) => input.Relu6();

    public override string ExportOnnx(OnnxExportContext context, string input) =>
        context.Graph.Node("Clip", [input, context.ConstantFloats("min", [0f]), context.ConstantFloats("max", [6f])]);
}

/// <summary>
/// nn.ModuleList: children named by index. An empty slot (PyTorch's <c>None</c>, e.g. HRNet's identity transitions
/// and fuse diagonals) still takes its index, so later entries keep the official names.
/// </summary>
public sealed class ModuleList : Module
{
    private readonly List<Module?> _items = [];

    public ModuleList(params Module?[] items)
    {
        foreach (var m in items) Add(m);
    }

    public void Add(Module? module)
    {
        if (module is not null) RegisterModule(_items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
        _items.Add(module);
    }

    public int Count => _items.Count;

    public Module? this[int index] => _items[index];

    public override Tensor Forward(Tensor input) => throw new NotSupportedException("a ModuleList has no forward of its own; its owner calls the entries");
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
