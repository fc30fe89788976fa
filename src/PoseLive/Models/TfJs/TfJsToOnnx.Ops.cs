using PoseLive.Onnx;
using static PoseLive.Onnx.AttributeProto;

namespace PoseLive.Models.TfJs;

public sealed partial class TfJsToOnnx
{
    private static readonly Dictionary<string, string> s_binary = new(StringComparer.Ordinal)
    {
        ["Add"] = "Add", ["AddV2"] = "Add", ["BiasAdd"] = "Add", ["Sub"] = "Sub", ["Mul"] = "Mul", ["RealDiv"] = "Div", ["Div"] = "Div",
        ["Maximum"] = "Max", ["Minimum"] = "Min", ["Pow"] = "Pow",
    };

    private static readonly Dictionary<string, string> s_unary = new(StringComparer.Ordinal)
    {
        ["Relu"] = "Relu", ["Sigmoid"] = "Sigmoid", ["Tanh"] = "Tanh", ["Elu"] = "Elu", ["Exp"] = "Exp", ["Log"] = "Log",
        ["Sqrt"] = "Sqrt", ["Neg"] = "Neg", ["Abs"] = "Abs", ["Floor"] = "Floor", ["Softplus"] = "Softplus", ["Reciprocal"] = "Reciprocal",
    };

    private void ConvertNode(TfNode node)
    {
        var inputs = node.DataInputs.ToArray();
        switch (node.Op)
        {
            case "Const":
                return; // resolved lazily, with the layout its consumer needs
            case "Placeholder":
                ConvertPlaceholder(node);
                return;
            case "Identity" or "StopGradient" or "Snapshot":
                Set(node, Resolve(inputs[0]));
                return;
            case "_FusedConv2D" or "Conv2D" or "FusedDepthwiseConv2dNative" or "DepthwiseConv2dNative":
                ConvertConvolution(node, inputs);
                return;
            case "MaxPool" or "AvgPool":
                ConvertPool(node, inputs);
                return;
            case "ResizeBilinear" or "ResizeNearestNeighbor":
                ConvertResize(node, inputs);
                return;
            case "Relu6":
                {
                    var x = Resolve(inputs[0]);
                    Set(node, x with { Name = Clip(x.Name, 0, 6), Constant = null });
                    return;
                }
            case "LeakyRelu":
                {
                    var x = Resolve(inputs[0]);
                    Set(node, x with { Name = _g.Node("LeakyRelu", [x.Name], Float("alpha", node.Float("alpha", 0.2f))), Constant = null });
                    return;
                }
            case "Rsqrt":
                {
                    var x = Resolve(inputs[0]);
                    Set(node, x with { Name = _g.Node("Reciprocal", [_g.Node("Sqrt", [x.Name])]), Constant = null });
                    return;
                }
            case "Square":
                {
                    var x = Resolve(inputs[0]);
                    Set(node, x with { Name = _g.Node("Mul", [x.Name, x.Name]), Constant = null });
                    return;
                }
            case "SquaredDifference":
                {
                    var (a, b, layout) = Align(Resolve(inputs[0]), Resolve(inputs[1]));
                    var d = _g.Node("Sub", [a.Name, b.Name]);
                    Set(node, new Value(_g.Node("Mul", [d, d]), layout, Math.Max(a.Rank, b.Rank), OnnxDataType.Float));
                    return;
                }
            case "Cast":
                {
                    var x = Resolve(inputs[0]);
                    var to = TfType(node.Type("DstT"), node);
                    Set(node, x with { Name = _g.Node("Cast", [x.Name], Int("to", (long)to)), Type = to, Constant = null });
                    return;
                }
            case "ConcatV2":
                ConvertConcat(node, inputs);
                return;
            case "Mean" or "Sum" or "Max" or "Min" or "Prod":
                ConvertReduce(node, inputs);
                return;
            case "Pad" or "PadV2" or "MirrorPad":
                ConvertPad(node, inputs);
                return;
            case "Reshape":
                {
                    var x = ToTf(Resolve(inputs[0]));
                    var shape = RequireConst(node, 1);
                    var dims = shape.Ints!.Select(d => (long)d).ToArray();
                    if (_options.DynamicBatch && x.Rank > 0 && dims.Length > 0 && dims[0] == 1) dims[0] = -1; // keep the batch free
                    Set(node, new Value(_g.Node("Reshape", [x.Name, Int64Initializer(node.Name + "_shape", dims)]), Layout.Tf, dims.Length, x.Type));
                    return;
                }
            case "Squeeze":
                {
                    var x = ToTf(Resolve(inputs[0]));
                    var axes = node.Ints("squeeze_dims");
                    if (axes.Length == 0) throw new TfJsUnsupportedException($"{_graph.Source}: {node}: Squeeze without explicit dims is not supported");
                    Set(node, new Value(_g.Node("Squeeze", [x.Name, Int64Initializer(node.Name + "_axes", axes)]), Layout.Tf, x.Rank - axes.Length, x.Type));
                    return;
                }
            case "ExpandDims":
                {
                    var x = ToTf(Resolve(inputs[0]));
                    long axis = RequireConst(node, 1).Ints![0];
                    Set(node, new Value(_g.Node("Unsqueeze", [x.Name, Int64Initializer(node.Name + "_axes", axis)]), Layout.Tf, x.Rank + 1, x.Type));
                    return;
                }
            case "Transpose":
                {
                    var x = ToTf(Resolve(inputs[0]));
                    var perm = RequireConst(node, 1).Ints!.Select(p => (long)p).ToArray();
                    Set(node, new Value(_g.Node("Transpose", [x.Name], IntList("perm", perm)), Layout.Tf, x.Rank, x.Type));
                    return;
                }
        }
        if (s_binary.TryGetValue(node.Op, out var binary))
        {
            var (a, b, layout) = Align(Resolve(inputs[0]), Resolve(inputs[1]));
            Set(node, new Value(_g.Node(binary, [a.Name, b.Name]), layout, Math.Max(a.Rank, b.Rank), a.Type));
            return;
        }
        if (s_unary.TryGetValue(node.Op, out var unary))
        {
            var x = Resolve(inputs[0]);
            Set(node, x with { Name = _g.Node(unary, [x.Name]), Constant = null });
            return;
        }
        throw new TfJsUnsupportedException($"{_graph.Source}: unsupported op {node.Op} (node '{node.Name}')");
    }

    private OnnxDataType TfType(string? dtype, TfNode node) => dtype switch
    {
        "DT_FLOAT" => OnnxDataType.Float,
        "DT_INT32" => OnnxDataType.Int32,
        "DT_INT64" => OnnxDataType.Int64,
        "DT_BOOL" => OnnxDataType.Bool,
        "DT_UINT8" => OnnxDataType.UInt8,
        _ => throw new TfJsUnsupportedException($"{_graph.Source}: {node}: unsupported data type {dtype ?? "(none)"}"),
    };

    private string Clip(string x, float min, float max) =>
        _g.Node("Clip", [x, FloatInitializer("clip_min", [min]), FloatInitializer("clip_max", [max])]);

    private void ConvertPlaceholder(TfNode node)
    {
        var shape = node.Shape("shape") ?? throw new TfJsUnsupportedException($"{_graph.Source}: placeholder '{node.Name}' has no shape");
        var type = TfType(node.Type("dtype"), node);
        var dims = shape.Select((d, i) => (_options.DynamicBatch && i == 0 && shape.Length == 4) || d < 0 ? (OnnxDim)(i == 0 ? "batch" : $"d{i}") : (OnnxDim)d).ToArray();
        var name = _g.Input(node.Name, type, dims);
        Set(node, new Value(name, Layout.Tf, shape.Length, type));
    }

    private void ConvertConvolution(TfNode node, string[] inputs)
    {
        if (node.String("data_format") is { } format && format != "NHWC")
            throw new TfJsUnsupportedException($"{_graph.Source}: {node}: data_format {format} is not supported (NHWC only)");
        bool depthwise = node.Op.Contains("Depthwise", StringComparison.Ordinal);
        var x = ToNchw(Resolve(inputs[0]));
        var filter = RequireConst(node, 1);
        if (filter.Shape.Length != 4 || filter.Floats is null) throw new TfJsUnsupportedException($"{_graph.Source}: {node}: filter must be a 4-D float constant");
        int kh = filter.Shape[0], kw = filter.Shape[1], cin = filter.Shape[2], cout = filter.Shape[3];
        int outChannels = depthwise ? cin * cout : cout;
        var w = new float[filter.Count];
        var f = filter.Floats;
        if (depthwise) // [kh, kw, C, M] → [C·M, 1, kh, kw], output channel c·M + m
            for (int y = 0; y < kh; y++) for (int xx = 0; xx < kw; xx++) for (int c = 0; c < cin; c++) for (int m = 0; m < cout; m++)
                w[((c * cout + m) * kh + y) * kw + xx] = f[((y * kw + xx) * cin + c) * cout + m];
        else // HWIO → OIHW
            for (int y = 0; y < kh; y++) for (int xx = 0; xx < kw; xx++) for (int c = 0; c < cin; c++) for (int o = 0; o < cout; o++)
                w[((o * cin + c) * kh + y) * kw + xx] = f[((y * kw + xx) * cin + c) * cout + o];

        var fused = node.Strings("fused_ops");
        float[]? bias = null;
        int arg = 2;
        string? activation = null;
        foreach (var op in fused)
        {
            switch (op)
            {
                case "BiasAdd":
                    bias = RequireConst(node, arg++).Floats!.ToArray();
                    break;
                case "FusedBatchNorm" or "FusedBatchNormV3":
                    {
                        var scale = RequireConst(node, arg).Floats!; var offset = RequireConst(node, arg + 1).Floats!;
                        var mean = RequireConst(node, arg + 2).Floats!; var variance = RequireConst(node, arg + 3).Floats!;
                        arg += 4;
                        float eps = node.Float("epsilon", 0.001f);
                        bias ??= new float[outChannels];
                        int per = w.Length / outChannels;
                        for (int o = 0; o < outChannels; o++)
                        {
                            float k = scale[o] / MathF.Sqrt(variance[o] + eps);
                            for (int i = 0; i < per; i++) w[o * per + i] *= k;
                            bias[o] = (bias[o] - mean[o]) * k + offset[o];
                        }
                        break;
                    }
                case "Relu" or "Relu6" or "Elu" or "LeakyRelu" or "Sigmoid" or "Tanh":
                    activation = op;
                    break;
                default:
                    throw new TfJsUnsupportedException($"{_graph.Source}: {node}: unsupported fused op {op}");
            }
        }
        var strides = node.Ints("strides");
        var dilations = node.Ints("dilations");
        var attributes = new List<AttributeProto>
        {
            IntList("kernel_shape", kh, kw),
            IntList("strides", strides.Length == 4 ? strides[1] : 1, strides.Length == 4 ? strides[2] : 1),
            IntList("dilations", dilations.Length == 4 ? dilations[1] : 1, dilations.Length == 4 ? dilations[2] : 1),
            Int("group", depthwise ? cin : 1),
        };
        AddPadding(node, attributes);
        var wName = FloatInitializer(node.Name + "_w", w, outChannels, depthwise ? 1 : cin, kh, kw);
        var convInputs = bias is null ? new[] { x.Name, wName } : [x.Name, wName, FloatInitializer(node.Name + "_b", bias, outChannels)];
        var y0 = _g.Node("Conv", convInputs, [.. attributes]);
        var y1 = activation switch
        {
            null => y0,
            "Relu6" => Clip(y0, 0, 6),
            "LeakyRelu" => _g.Node("LeakyRelu", [y0], Float("alpha", node.Float("leakyrelu_alpha", 0.2f))),
            _ => _g.Node(activation, [y0]),
        };
        Set(node, new Value(y1, Layout.Nchw, 4, OnnxDataType.Float));
    }

    private void AddPadding(TfNode node, List<AttributeProto> attributes)
    {
        switch (node.String("padding"))
        {
            case "SAME": attributes.Add(String("auto_pad", "SAME_UPPER")); break; // TF puts the odd pixel at the end, as SAME_UPPER
            case "VALID": attributes.Add(IntList("pads", 0, 0, 0, 0)); break;
            case "EXPLICIT":
                var p = node.Ints("explicit_paddings"); // NHWC pairs
                attributes.Add(IntList("pads", p[2], p[4], p[3], p[5]));
                break;
            default: throw new TfJsUnsupportedException($"{_graph.Source}: {node}: unsupported padding {node.String("padding")}");
        }
    }

    private void ConvertPool(TfNode node, string[] inputs)
    {
        var x = ToNchw(Resolve(inputs[0]));
        var k = node.Ints("ksize");
        var s = node.Ints("strides");
        var attributes = new List<AttributeProto> { IntList("kernel_shape", k[1], k[2]), IntList("strides", s[1], s[2]) };
        AddPadding(node, attributes);
        // TF's average pool excludes padding, as ONNX's default count_include_pad = 0
        Set(node, new Value(_g.Node(node.Op == "MaxPool" ? "MaxPool" : "AveragePool", [x.Name], [.. attributes]), Layout.Nchw, 4, OnnxDataType.Float));
    }

    private void ConvertResize(TfNode node, string[] inputs)
    {
        var x = ToNchw(Resolve(inputs[0]));
        var size = RequireConst(node, 1).Ints!;
        // sizes = [N, C] of the input (dynamic batch) ++ [h, w]
        var shape = _g.Node("Shape", [x.Name]);
        var nc = _g.Node("Slice", [shape, Int64Initializer("s0", 0), Int64Initializer("s2", 2), Int64Initializer("ax0", 0)]);
        var sizes = _g.Node("Concat", [nc, Int64Initializer(node.Name + "_hw", size[0], size[1])], Int("axis", 0));
        bool align = node.Bool("align_corners"), half = node.Bool("half_pixel_centers");
        bool linear = node.Op == "ResizeBilinear";
        var attributes = new List<AttributeProto> { String("mode", linear ? "linear" : "nearest") };
        attributes.Add(String("coordinate_transformation_mode", align ? "align_corners" : half ? (linear ? "half_pixel" : "tf_half_pixel_for_nn") : "asymmetric"));
        if (!linear) attributes.Add(String("nearest_mode", align ? "round_prefer_ceil" : "floor"));
        Set(node, new Value(_g.Node("Resize", [x.Name, "", "", sizes], [.. attributes]), Layout.Nchw, 4, x.Type));
    }

    private void ConvertConcat(TfNode node, string[] inputs)
    {
        var parts = inputs[..^1].Select(Resolve).ToArray();
        long axis = RequireConst(node, inputs.Length - 1).Ints![0];
        int rank = parts.Max(p => p.Rank);
        bool nchw = rank == 4 && parts.Any(p => p.Layout == Layout.Nchw) && parts.All(p => p.Rank == 4);
        var names = parts.Select(p => nchw ? AsNchwOperand(p).Name : ToTf(p).Name).ToArray();
        long onnxAxis = nchw ? NchwAxis(axis, 4) : axis;
        Set(node, new Value(_g.Node("Concat", names, Int("axis", onnxAxis)), nchw ? Layout.Nchw : Layout.Tf, rank, parts[0].Type));
    }

    private void ConvertReduce(TfNode node, string[] inputs)
    {
        var x = Resolve(inputs[0]);
        var axesConst = RequireConst(node, 1);
        var axes = axesConst.Ints!.Select(a => (long)a).ToArray();
        bool keep = node.Bool("keep_dims");
        if (x.Layout == Layout.Nchw && !keep) x = ToTf(x);
        if (x.Layout == Layout.Nchw) axes = axes.Select(a => NchwAxis(a, 4)).ToArray();
        var op = node.Op switch { "Mean" => "ReduceMean", "Sum" => "ReduceSum", "Max" => "ReduceMax", "Min" => "ReduceMin", _ => "ReduceProd" };
        // opset 17: ReduceSum takes axes as an input, the others as an attribute
        var y = op == "ReduceSum"
            ? _g.Node(op, [x.Name, Int64Initializer(node.Name + "_axes", axes)], Int("keepdims", keep ? 1 : 0))
            : _g.Node(op, [x.Name], IntList("axes", axes), Int("keepdims", keep ? 1 : 0));
        Set(node, new Value(y, x.Layout, keep ? x.Rank : x.Rank - axes.Length, x.Type));
    }

    private void ConvertPad(TfNode node, string[] inputs)
    {
        var x = Resolve(inputs[0]);
        var p = RequireConst(node, 1).Ints!;
        int rank = p.Length / 2;
        long[] begin = new long[rank], end = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            long onnx = x.Layout == Layout.Nchw ? NchwAxis(i, rank) : i;
            begin[onnx] = p[2 * i];
            end[onnx] = p[2 * i + 1];
        }
        var padInputs = new List<string> { x.Name, Int64Initializer(node.Name + "_pads", [.. begin, .. end]) };
        if (node.Op == "PadV2") padInputs.Add(FloatInitializer(node.Name + "_value", [RequireConst(node, 2).Scalar]));
        var attributes = node.Op == "MirrorPad"
            ? new[] { String("mode", node.String("mode") == "SYMMETRIC" ? "edge" : "reflect") } // edge ≈ symmetric for 1-px pads
            : [String("mode", "constant")];
        if (node.Op == "MirrorPad" && node.String("mode") == "SYMMETRIC" && p.Any(v => v > 1))
            throw new TfJsUnsupportedException($"{_graph.Source}: {node}: MirrorPad SYMMETRIC wider than 1 px is not supported");
        Set(node, x with { Name = _g.Node("Pad", [.. padInputs], attributes), Constant = null });
    }
}
