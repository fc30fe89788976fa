using PoseLive.Onnx;
using PoseLive.Training.Tensors;

namespace PoseLive.Training.Graph;

/// <summary>
/// Each ONNX operator PoseLive's served graphs use, as libtorch ops (so autograd differentiates them), with the
/// operator's ONNX semantics: NCHW convolutions and pools with explicit or automatic (SAME) padding, NumPy
/// broadcasting for elementwise ops, shape arithmetic on int64 tensors. Anything outside that fails naming the node.
/// Callers run each node in a <see cref="DisposeScope"/>: temporaries made here are freed with it.
/// </summary>
internal static class GraphOps
{
    /// <summary>The operators <see cref="Run"/> executes.</summary>
    public static readonly IReadOnlySet<string> Supported = new HashSet<string>(StringComparer.Ordinal)
    {
        "Conv", "ConvTranspose", "BatchNormalization", "LayerNormalization", "Relu", "LeakyRelu", "Clip", "Sigmoid", "HardSigmoid",
        "HardSwish", "Tanh", "Exp", "Log", "Neg", "Abs", "Sqrt", "Reciprocal", "Floor", "Add", "Sub", "Mul", "Div", "Pow", "Max", "Min",
        "MatMul", "Gemm", "Softmax", "Concat", "Split", "Transpose", "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Shape", "Gather",
        "Slice", "Cast", "Identity", "Dropout", "ReduceMean", "ReduceSum", "ReduceMax", "Pad", "Resize", "MaxPool", "AveragePool",
        "GlobalAveragePool", "Constant",
    };

    /// <summary>Whether a node's <paramref name="input"/>-th operand is a setting (shape, pads, bounds) rather than data a model learns.</summary>
    public static bool IsSettingOperand(string op, int input) => op switch
    {
        "Clip" or "Pad" or "Resize" or "Reshape" or "Slice" or "Squeeze" or "Unsqueeze" or "ReduceMean" or "ReduceSum" or "ReduceMax" or "Split" => input >= 1,
        "Gather" => input == 1,
        _ => false,
    };

    /// <summary>Ops whose operands after the first are a layer's weights and biases.</summary>
    public static bool IsLayer(string op) => op is "Conv" or "ConvTranspose" or "Gemm" or "BatchNormalization" or "LayerNormalization" or "MatMul";

    /// <summary>Whether a node's operand is a running statistic (a buffer, updated by batch-norm in training mode).</summary>
    public static bool IsRunningStatistic(string op, int input) => op == "BatchNormalization" && input >= 3;

    public static Tensor[] Run(NodeProto node, Tensor?[] x, GraphMode mode)
    {
        Tensor In(int i) => i < x.Length && x[i] is { } t ? t : throw new GraphOpException($"{node.Label()}: input {i} is missing");
        Tensor? Opt(int i) => i < x.Length ? x[i] : null;
        switch (node.OpType)
        {
            case "Conv": return [Conv(node, In(0), In(1), Opt(2))];
            case "ConvTranspose": return [ConvTranspose(node, In(0), In(1), Opt(2))];
            case "BatchNormalization":
                return [Functional.BatchNorm(In(0), In(3), In(4), In(1), In(2), mode.Training && !mode.FreezeBatchNorm,
                    1 - node.Float("momentum", 0.9f), node.Float("epsilon", 1e-5f))];
            case "LayerNormalization":
            {
                var shape = In(0).Shape;
                long axis = Axis(node.Int("axis", -1), shape.Length);
                return [Functional.LayerNorm(In(0), shape[(int)axis..], Opt(1), Opt(2), node.Float("epsilon", 1e-5f))];
            }
            case "Relu": return [In(0).Relu()];
            case "LeakyRelu": { var a = In(0); return [Tensor.Where(a.Gt(0), a, a * node.Float("alpha", 0.01f))]; }
            case "Clip": return [Clip(node, In(0), Opt(1), Opt(2))];
            case "Sigmoid": return [In(0).Sigmoid()];
            case "HardSigmoid": return [(In(0) * node.Float("alpha", 0.2f) + node.Float("beta", 0.5f)).Clamp(0, 1)];
            case "HardSwish": { var a = In(0); return [a * (a / 6.0 + 0.5).Clamp(0, 1)]; }
            case "Tanh": return [In(0).Tanh()];
            case "Exp": return [In(0).Exp()];
            case "Log": return [In(0).Log()];
            case "Neg": return [In(0).Neg()];
            case "Abs": return [In(0).Abs()];
            case "Sqrt": return [In(0).Sqrt()];
            case "Reciprocal": return [1.0 / In(0)];
            case "Floor": return [In(0).Floor()];
            case "Add": return [In(0) + In(1)];
            case "Sub": return [In(0) - In(1)];
            case "Mul": return [In(0) * In(1)];
            case "Div": return [Div(In(0), In(1))];
            case "Pow": return [In(0).Pow(In(1))];
            case "Max": return [Fold(node, x, Tensor.Maximum)];
            case "Min": return [Fold(node, x, Tensor.Minimum)];
            case "MatMul": return [In(0).MatMul(In(1))];
            case "Gemm": return [Gemm(node, In(0), In(1), Opt(2))];
            case "Softmax": return [In(0).Softmax((int)node.Int("axis", -1))];
            case "Concat": return [Tensor.Cat([.. x.Select((t, i) => t ?? In(i))], node.Int("axis", 0))];
            case "Split": return Split(node, In(0), Opt(1));
            case "Transpose":
            {
                var rank = In(0).Shape.Length;
                return [In(0).Permute(node.Ints("perm") ?? [.. Enumerable.Range(0, rank).Reverse().Select(i => (long)i)])];
            }
            case "Reshape": return [Reshape(node, In(0), In(1))];
            case "Flatten":
            {
                var s = In(0).Shape;
                long axis = Axis(node.Int("axis", 1), s.Length);
                return [In(0).Reshape(s[..(int)axis].Aggregate(1L, (a, b) => a * b), s[(int)axis..].Aggregate(1L, (a, b) => a * b))];
            }
            case "Squeeze": return [Squeeze(node, In(0), Opt(1))];
            case "Unsqueeze": return [Unsqueeze(node, In(0), Opt(1))];
            case "Shape": return [ShapeOf(node, In(0))];
            case "Gather": return [Gather(node, In(0), In(1))];
            case "Slice": return [Slice(node, In(0), In(1), In(2), Opt(3), Opt(4))];
            case "Cast": return [In(0).To(DTypeOf(node, (OnnxDataType)node.Int("to", 1)))];
            case "Identity" or "Dropout": return [In(0).Reshape(In(0).Shape)]; // a view under a handle of its own
            case "ReduceMean" or "ReduceSum" or "ReduceMax": return [Reduce(node, In(0), Opt(1))];
            case "Pad": return [Pad(node, In(0), Opt(1), Opt(2), Opt(3))];
            case "Resize": return [GraphResize.Run(node, In(0), Opt(2), Opt(3))];
            case "MaxPool" or "AveragePool": return [Pool(node, In(0))];
            case "GlobalAveragePool": return [In(0).Mean([2, 3], keepDim: true)];
        }
        throw new GraphOpException($"unsupported op {node.OpType} ({node.Label()})");
    }

    internal static long Axis(long axis, int rank) => axis < 0 ? axis + rank : axis;

    private static Tensor Fold(NodeProto node, Tensor?[] x, Func<Tensor, Tensor, Tensor> f)
    {
        var acc = x[0] ?? throw new GraphOpException($"{node.Label()}: input 0 is missing");
        for (int i = 1; i < x.Length; i++) if (x[i] is { } t) acc = f(acc, t);
        return x.Length == 1 ? acc.Reshape(acc.Shape) : acc;
    }

    private static bool IsInteger(Tensor t) => t.DType is DType.Int64 or DType.Int32 or DType.UInt8;

    // ONNX integer division truncates; libtorch's div is true division.
    private static Tensor Div(Tensor a, Tensor b) => IsInteger(a) && IsInteger(b) ? (a / b).To(a.DType) : a / b;

    private static Tensor Clip(NodeProto node, Tensor x, Tensor? min, Tensor? max)
    {
        double lo = min is not null ? min.Item() : node.Float("min", float.NegativeInfinity);
        double hi = max is not null ? max.Item() : node.Float("max", float.PositiveInfinity);
        return x.Clamp(lo, hi);
    }

    /// <summary>Explicit (begin H, begin W, end H, end W) padding of a 2-D window op, from pads or auto_pad.</summary>
    internal static long[] WindowPads(NodeProto node, long[] inputShape, long[] kernel, long[] strides, long[] dilations)
    {
        var autoPad = node.String("auto_pad", "NOTSET");
        if (autoPad is "NOTSET") return node.Ints("pads") ?? [0, 0, 0, 0];
        if (autoPad is "VALID") return [0, 0, 0, 0];
        if (autoPad is not ("SAME_UPPER" or "SAME_LOWER")) throw node.Unsupported($"auto_pad '{autoPad}'");
        var pads = new long[4];
        for (int a = 0; a < 2; a++)
        {
            long input = inputShape[2 + a], stride = strides[a];
            long output = (input + stride - 1) / stride;
            long total = Math.Max(0, (output - 1) * stride + (kernel[a] - 1) * dilations[a] + 1 - input);
            long small = total / 2, large = total - small;
            (pads[a], pads[a + 2]) = autoPad == "SAME_UPPER" ? (small, large) : (large, small);
        }
        return pads;
    }

    private static Tensor Conv(NodeProto node, Tensor x, Tensor w, Tensor? b)
    {
        var ws = w.Shape;
        if (ws.Length != 4) throw node.Unsupported($"a {ws.Length - 2}-D convolution");
        var strides = node.Ints("strides") ?? [1, 1];
        var dilations = node.Ints("dilations") ?? [1, 1];
        var pads = WindowPads(node, x.Shape, [ws[2], ws[3]], strides, dilations);
        int group = (int)node.Int("group", 1);
        if (pads[0] != pads[2] || pads[1] != pads[3])
        {
            x = x.Pad([pads[1], pads[3], pads[0], pads[2]]);
            pads = [0, 0, 0, 0];
        }
        return Functional.Conv2d(x, w, b, ((int)strides[0], (int)strides[1]), ((int)pads[0], (int)pads[1]), ((int)dilations[0], (int)dilations[1]), group);
    }

    private static Tensor ConvTranspose(NodeProto node, Tensor x, Tensor w, Tensor? b)
    {
        var strides = node.Ints("strides") ?? [1, 1];
        var pads = node.Ints("pads") ?? [0, 0, 0, 0];
        var outPad = node.Ints("output_padding") ?? [0, 0];
        var dilations = node.Ints("dilations") ?? [1, 1];
        if (node.String("auto_pad", "NOTSET") != "NOTSET" || node.Ints("output_shape") is not null) throw node.Unsupported("ConvTranspose with auto_pad or output_shape");
        if (strides[0] != strides[1] || pads.Distinct().Count() != 1 || outPad[0] != outPad[1] || dilations[0] != dilations[1])
            throw node.Unsupported("a ConvTranspose with different vertical and horizontal settings");
        return Functional.ConvTranspose2d(x, w, b, (int)strides[0], (int)pads[0], (int)outPad[0], (int)node.Int("group", 1), (int)dilations[0]);
    }

    private static Tensor Gemm(NodeProto node, Tensor a, Tensor b, Tensor? c)
    {
        if (node.Int("transA", 0) != 0) a = a.Permute(1, 0);
        if (node.Int("transB", 0) != 0) b = b.Permute(1, 0);
        var y = a.MatMul(b) * node.Float("alpha", 1f);
        return c is null ? y : y + c * node.Float("beta", 1f);
    }

    private static Tensor[] Split(NodeProto node, Tensor x, Tensor? splitInput)
    {
        var shape = x.Shape;
        long axis = Axis(node.Int("axis", 0), shape.Length);
        var split = splitInput?.ToLongs() ?? node.Ints("split");
        if (split is null)
        {
            int n = node.Output.Count;
            if (shape[axis] % n != 0) throw node.Unsupported($"splitting {shape[axis]} into {n} unequal parts");
            split = [.. Enumerable.Repeat(shape[axis] / n, n)];
        }
        var parts = new Tensor[split.Length];
        long start = 0;
        for (int i = 0; i < split.Length; i++) { parts[i] = x.Narrow(axis, start, split[i]); start += split[i]; }
        return parts;
    }

    private static Tensor Reshape(NodeProto node, Tensor x, Tensor shapeTensor)
    {
        var target = shapeTensor.ToLongs();
        var current = x.Shape;
        if (node.Int("allowzero", 0) == 0)
            for (int i = 0; i < target.Length; i++) if (target[i] == 0) target[i] = current[i];
        return x.Reshape(target);
    }

    private static long[] AxesOf(NodeProto node, Tensor? axesInput, int rank) =>
        [.. (axesInput?.ToLongs() ?? node.Ints("axes") ?? []).Select(a => Axis(a, rank))];

    private static Tensor Squeeze(NodeProto node, Tensor x, Tensor? axesInput)
    {
        var shape = x.Shape;
        var axes = AxesOf(node, axesInput, shape.Length);
        var kept = shape.Where((d, i) => axes.Length == 0 ? d != 1 : !axes.Contains(i)).ToArray();
        return x.Reshape(kept);
    }

    private static Tensor Unsqueeze(NodeProto node, Tensor x, Tensor? axesInput)
    {
        var shape = x.Shape.ToList();
        var axes = AxesOf(node, axesInput, shape.Count + (axesInput?.ToLongs() ?? node.Ints("axes") ?? []).Length);
        foreach (var a in axes.Order()) shape.Insert((int)a, 1);
        return x.Reshape([.. shape]);
    }

    private static Tensor ShapeOf(NodeProto node, Tensor x)
    {
        var shape = x.Shape;
        long start = Math.Clamp(Axis(node.Int("start", 0), shape.Length), 0, shape.Length);
        long end = Math.Clamp(Axis(node.Int("end", shape.Length), shape.Length), 0, shape.Length);
        var part = shape[(int)start..(int)Math.Max(start, end)];
        return Tensor.FromArray(part, part.Length);
    }

    private static Tensor Gather(NodeProto node, Tensor data, Tensor indices)
    {
        var shape = data.Shape;
        long axis = Axis(node.Int("axis", 0), shape.Length);
        var indexShape = indices.Shape;
        var index = indices.ToLongs().Select(i => i < 0 ? i + shape[axis] : i).ToArray();
        using var flat = Tensor.FromArray(index, index.Length);
        var picked = data.IndexSelect(axis, flat);
        long[] outShape = [.. shape[..(int)axis], .. indexShape, .. shape[((int)axis + 1)..]];
        return picked.Reshape(outShape);
    }

    private static Tensor Slice(NodeProto node, Tensor x, Tensor starts, Tensor ends, Tensor? axesInput, Tensor? stepsInput)
    {
        var shape = x.Shape;
        var s = starts.ToLongs();
        var e = ends.ToLongs();
        var axes = axesInput?.ToLongs().Select(a => Axis(a, shape.Length)).ToArray() ?? [.. Enumerable.Range(0, s.Length).Select(i => (long)i)];
        var steps = stepsInput?.ToLongs() ?? [.. Enumerable.Repeat(1L, s.Length)];
        var y = x;
        for (int i = 0; i < s.Length; i++)
        {
            if (steps[i] != 1) throw node.Unsupported($"Slice step {steps[i]}");
            long dim = shape[axes[i]];
            long begin = Math.Clamp(s[i] < 0 ? s[i] + dim : s[i], 0, dim);
            long end = Math.Clamp(e[i] < 0 ? e[i] + dim : e[i], 0, dim);
            y = y.Narrow(axes[i], begin, Math.Max(0, end - begin));
        }
        return ReferenceEquals(y, x) ? x.Reshape(shape) : y;
    }

    internal static DType DTypeOf(NodeProto? node, OnnxDataType type) => type switch
    {
        // Half-precision values are trained and run in float32: the graph keeps its own types when saved.
        OnnxDataType.Float or OnnxDataType.Float16 => DType.Float32,
        OnnxDataType.Double => DType.Float64,
        OnnxDataType.Int64 => DType.Int64,
        OnnxDataType.Int32 => DType.Int32,
        OnnxDataType.UInt8 => DType.UInt8,
        OnnxDataType.Bool => DType.Bool,
        _ => throw new GraphOpException($"{node?.Label() ?? "graph"}: tensors of type {type} are not supported"),
    };

    private static Tensor Reduce(NodeProto node, Tensor x, Tensor? axesInput)
    {
        var rank = x.Shape.Length;
        var axes = AxesOf(node, axesInput, rank);
        if (axes.Length == 0)
        {
            if (node.Int("noop_with_empty_axes", 0) != 0) return x.Reshape(x.Shape);
            axes = [.. Enumerable.Range(0, rank).Select(i => (long)i)];
        }
        bool keep = node.Int("keepdims", 1) != 0;
        if (node.OpType == "ReduceMean") return x.Mean(axes, keep);
        if (node.OpType == "ReduceSum") return x.Sum(axes, keep);
        var y = x;
        foreach (var a in axes.OrderDescending()) y = y.Max(a, keep).Values;
        return y;
    }

    private static Tensor Pad(NodeProto node, Tensor x, Tensor? padsInput, Tensor? valueInput, Tensor? axesInput)
    {
        if (axesInput is not null) throw node.Unsupported("Pad with axes");
        var pads = padsInput?.ToLongs() ?? node.Ints("pads") ?? throw new GraphOpException($"{node.Label()}: no pads");
        int rank = pads.Length / 2;
        double value = valueInput is not null && valueInput.ElementCount > 0 ? valueInput.Item() : node.Float("value", 0f);
        var mode = node.String("mode", "constant") switch
        {
            "constant" => PadMode.Constant,
            "reflect" => PadMode.Reflect,
            "edge" => PadMode.Edge,
            var m => throw node.Unsupported($"Pad mode '{m}'"),
        };
        // ONNX: all begins, then all ends, first axis first; torch: last axis first, (begin, end) pairs.
        int axesPadded = mode == PadMode.Constant ? rank : 2;
        for (int a = 0; a < rank - axesPadded; a++)
            if (pads[a] != 0 || pads[a + rank] != 0) throw node.Unsupported($"{mode} padding of axis {a}");
        var torchPads = new long[2 * axesPadded];
        for (int k = 0; k < axesPadded; k++)
        {
            int a = rank - 1 - k;
            torchPads[2 * k] = pads[a];
            torchPads[2 * k + 1] = pads[a + rank];
        }
        return x.Pad(torchPads, mode, value);
    }

    private static Tensor Pool(NodeProto node, Tensor x)
    {
        var kernel = node.Ints("kernel_shape") ?? throw new GraphOpException($"{node.Label()}: no kernel_shape");
        var strides = node.Ints("strides") ?? [1, 1];
        var dilations = node.Ints("dilations") ?? [1, 1];
        if (kernel.Length != 2 || kernel[0] != kernel[1] || strides[0] != strides[1]) throw node.Unsupported("a pool with a non-square window or stride");
        if (dilations.Any(d => d != 1) || node.Int("ceil_mode", 0) != 0) throw node.Unsupported("a dilated or ceil-mode pool");
        var pads = WindowPads(node, x.Shape, kernel, strides, dilations);
        bool max = node.OpType == "MaxPool";
        bool symmetric = pads.Distinct().Count() == 1;
        if (!symmetric)
        {
            if (!max && node.Int("count_include_pad", 0) == 0) throw node.Unsupported("uneven padding of an average pool that excludes padding");
            x = x.Pad([pads[1], pads[3], pads[0], pads[2]], PadMode.Constant, max ? double.NegativeInfinity : 0);
            pads = [0, 0, 0, 0];
        }
        return max
            ? Functional.MaxPool2d(x, (int)kernel[0], (int)strides[0], (int)pads[0])
            : Functional.AvgPool2d(x, (int)kernel[0], (int)strides[0], (int)pads[0], countIncludePad: node.Int("count_include_pad", 0) != 0);
    }
}

/// <summary>How a graph runs: training (batch statistics) or evaluation, and whether batch-norm keeps its running statistics fixed.</summary>
internal readonly record struct GraphMode(bool Training, bool FreezeBatchNorm);
