using PoseLive.Onnx;
using static PoseLive.Onnx.AttributeProto;

namespace PoseLive.Models.TfJs;

/// <summary>
/// Converts a TF.js graph model into ONNX with <see cref="OnnxGraphBuilder"/>. Layout: TF graphs are
/// NHWC; each value carries its layout, and a rank-4 value is transposed to NCHW only where a spatial
/// op needs it (in practice once, at the input) — weights are converted at import (HWIO → OIHW,
/// depthwise HWCM → (C·M)1HW) and constants that broadcast against NCHW values are permuted. Ops whose
/// semantics depend on axes (concat, reductions, padding) map their axes; shape ops run in TF layout.
/// Only the nodes needed for the requested outputs are converted.
/// </summary>
public sealed partial class TfJsToOnnx
{
    private enum Layout { Tf, Nchw }

    private sealed record Value(string Name, Layout Layout, int Rank, OnnxDataType Type, TfConstant? Constant = null);

    private readonly TfJsGraph _graph;
    private readonly TfJsImportOptions _options;
    private readonly OnnxGraphBuilder _g;
    private readonly Dictionary<string, Value> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _initializers = new(StringComparer.Ordinal);
    private int _fresh;

    private TfJsToOnnx(TfJsGraph graph, TfJsImportOptions options, string name)
    {
        _graph = graph;
        _options = options;
        _g = new OnnxGraphBuilder(name, options.Opset);
    }

    /// <summary>Converts <paramref name="graph"/> cut at the requested outputs; returns the ONNX model.</summary>
    public static ModelProto Convert(TfJsGraph graph, TfJsImportOptions options, string name = "tfjs")
    {
        var c = new TfJsToOnnx(graph, options, name);
        foreach (var (tensor, (inputName, type, shape)) in options.InputOverrides) c.DeclareOverride(tensor, inputName, type, shape);
        foreach (var node in c.TopologicalOrder()) c.ConvertNode(node);
        foreach (var (tensor, outputName) in options.Outputs)
        {
            var v = c.Resolve(tensor);
            if (v.Rank == 4) v = c.ToNchw(v);
            c._g.NodeNamed("Identity", [v.Name], [outputName]);
            c._g.OutputOfUnknownShape(outputName, v.Type);
        }
        c._g.RemoveUnusedInitializers();
        return c._g.Build(metadata: options.Metadata);
    }

    // ---- graph walking ----------------------------------------------------------------------------

    private static (string Node, int Index) Parse(string reference)
    {
        var r = reference.TrimStart('^');
        int colon = r.LastIndexOf(':');
        return colon > 0 && int.TryParse(r[(colon + 1)..], out int i) ? (r[..colon], i) : (r, 0);
    }

    private IEnumerable<TfNode> TopologicalOrder()
    {
        var order = new List<TfNode>();
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 visiting, 2 done
        var stack = new Stack<(TfNode Node, bool Expanded)>();
        foreach (var output in _options.Outputs.Keys)
        {
            var (root, _) = Parse(output);
            if (!_graph.NodesByName.TryGetValue(root, out var rootNode))
                throw new TfJsUnsupportedException($"{_graph.Source}: output tensor '{output}' is not a node of the graph");
            stack.Push((rootNode, false));
            while (stack.Count > 0)
            {
                var (node, expanded) = stack.Pop();
                if (expanded) { state[node.Name] = 2; order.Add(node); continue; }
                if (state.TryGetValue(node.Name, out var s)) { if (s == 1) throw new TfJsUnsupportedException($"{_graph.Source}: cycle at node '{node.Name}'"); continue; }
                if (_values.ContainsKey(node.Name)) { state[node.Name] = 2; continue; } // replaced by an input override
                state[node.Name] = 1;
                stack.Push((node, true));
                if (node.Op == "Const") continue;
                foreach (var input in node.DataInputs)
                {
                    var (dep, _) = Parse(input);
                    if (_values.ContainsKey(input) || _values.ContainsKey(dep)) continue;
                    if (!_graph.NodesByName.TryGetValue(dep, out var depNode))
                        throw new TfJsUnsupportedException($"{_graph.Source}: node '{node.Name}' reads '{input}', which is not in the graph");
                    if (!state.ContainsKey(dep)) stack.Push((depNode, false));
                }
            }
        }
        return order;
    }

    private void DeclareOverride(string tensor, string inputName, OnnxDataType type, long[] shape)
    {
        var dims = shape.Select((d, i) => d < 0 ? (OnnxDim)(i == 0 ? "batch" : $"d{i}") : (OnnxDim)d).ToArray();
        var input = _g.Input(inputName, type, dims);
        var v = new Value(input, Layout.Tf, shape.Length, type);
        if (type != OnnxDataType.Float) v = v with { Name = _g.Node("Cast", [input], Int("to", (long)OnnxDataType.Float)), Type = OnnxDataType.Float };
        _values[tensor] = v;
        _values[Parse(tensor).Node] = v;
    }

    private Value Resolve(string reference)
    {
        if (_values.TryGetValue(reference, out var direct)) return direct;
        var (node, index) = Parse(reference);
        var key = index == 0 ? node : $"{node}:{index}";
        if (_values.TryGetValue(key, out var v)) return v;
        if (_graph.Constants.TryGetValue(node, out var c)) return ConstValue(c);
        throw new TfJsUnsupportedException($"{_graph.Source}: tensor '{reference}' has no value (is its node converted?)");
    }

    private Value ConstValue(TfConstant c) => new(ConstInitializer(c, raw: true), Layout.Tf, c.Shape.Length,
        c.Type == TfDataType.Float ? OnnxDataType.Float : OnnxDataType.Int32, c);

    private TfConstant RequireConst(TfNode node, int inputIndex)
    {
        var inputs = node.DataInputs.ToArray();
        if (inputIndex >= inputs.Length) throw new TfJsUnsupportedException($"{_graph.Source}: {node} has no input {inputIndex}");
        var (name, _) = Parse(inputs[inputIndex]);
        return _graph.Constants.TryGetValue(name, out var c) ? c
            : throw new TfJsUnsupportedException($"{_graph.Source}: {node}: input {inputIndex} ('{inputs[inputIndex]}') must be a constant for this importer");
    }

    private string Fresh(string hint) => $"{hint}__{_fresh++}";

    // ---- initialisers -----------------------------------------------------------------------------

    private string ConstInitializer(TfConstant c, bool raw)
    {
        var key = c.Name + (raw ? "" : "#nchw");
        if (_initializers.TryGetValue(key, out var existing)) return existing;
        var name = _g.IsDefined(c.Name) ? Fresh(c.Name) : c.Name;
        if (c.Floats is not null) _g.Initializer<float>(name, c.Floats, c.Shape.Select(d => (long)d).ToArray());
        else _g.Initializer<int>(name, c.Ints!, c.Shape.Select(d => (long)d).ToArray());
        return _initializers[key] = name;
    }

    private string FloatInitializer(string hint, float[] data, params long[] dims) => _g.Initializer<float>(Fresh(hint), data, dims);

    private string Int64Initializer(string hint, params long[] data) => _g.Initializer<long>(Fresh(hint), data, data.Length);

    /// <summary>A TF (NHWC-broadcasting) constant rearranged to broadcast the same way against NCHW values.</summary>
    private string NchwBroadcastConst(TfConstant c)
    {
        var key = c.Name + "#nchw";
        if (_initializers.TryGetValue(key, out var existing)) return existing;
        if (c.Shape.Length == 0 || c.Count == 1) return _initializers[key] = ConstInitializer(c, raw: true);
        if (c.Shape.Length > 4) throw new TfJsUnsupportedException($"{_graph.Source}: constant '{c.Name}' of rank {c.Shape.Length} cannot broadcast against a 4-D value");
        var s = Enumerable.Repeat(1, 4 - c.Shape.Length).Concat(c.Shape).ToArray(); // N, H, W, C
        int n = s[0], h = s[1], w = s[2], ch = s[3];
        var src = c.Floats ?? c.Ints!.Select(i => (float)i).ToArray();
        var dst = new float[src.Length];
        for (int a = 0; a < n; a++) for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) for (int k = 0; k < ch; k++)
            dst[((a * ch + k) * h + y) * w + x] = src[((a * h + y) * w + x) * ch + k];
        var name = FloatInitializer(c.Name, dst, n, ch, h, w);
        return _initializers[key] = name;
    }

    // ---- layouts ----------------------------------------------------------------------------------

    private Value ToNchw(Value v)
    {
        if (v.Layout == Layout.Nchw) return v;
        if (v.Rank != 4) throw new TfJsUnsupportedException($"{_graph.Source}: value '{v.Name}' of rank {v.Rank} cannot be made NCHW");
        return v with { Name = _g.Node("Transpose", [v.Name], IntList("perm", 0, 3, 1, 2)), Layout = Layout.Nchw, Constant = null };
    }

    private Value ToTf(Value v)
    {
        if (v.Layout == Layout.Tf) return v;
        return v with { Name = _g.Node("Transpose", [v.Name], IntList("perm", 0, 2, 3, 1)), Layout = Layout.Tf, Constant = null };
    }

    /// <summary>Brings two operands of an elementwise op into one layout (NCHW when either is NCHW and the other can follow).</summary>
    private (Value A, Value B, Layout Layout) Align(Value a, Value b)
    {
        if (a.Layout == Layout.Tf && b.Layout == Layout.Tf) return (a, b, Layout.Tf);
        bool Follows(Value v) => v.Layout == Layout.Nchw || v.Constant is not null || v.Rank == 4 || v.Rank == 0;
        if (Follows(a) && Follows(b)) return (AsNchwOperand(a), AsNchwOperand(b), Layout.Nchw);
        return (ToTf(a), ToTf(b), Layout.Tf);
    }

    private Value AsNchwOperand(Value v)
    {
        if (v.Layout == Layout.Nchw || v.Rank == 0) return v;
        if (v.Constant is { } c) return v with { Name = NchwBroadcastConst(c), Layout = Layout.Nchw, Rank = 4 };
        return ToNchw(v);
    }

    private void Set(TfNode node, Value v, int index = 0) => _values[index == 0 ? node.Name : $"{node.Name}:{index}"] = v;

    private static long NchwAxis(long tfAxis, int rank)
    {
        long a = tfAxis < 0 ? tfAxis + rank : tfAxis;
        return a switch { 0 => 0, 1 => 2, 2 => 3, 3 => 1, _ => throw new ArgumentOutOfRangeException(nameof(tfAxis)) };
    }
}
