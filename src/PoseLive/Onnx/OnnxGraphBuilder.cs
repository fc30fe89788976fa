namespace PoseLive.Onnx;

/// <summary>
/// Builds an ONNX model node by node: typed inputs/outputs, initialisers, nodes with attributes,
/// opset imports. Value names are checked as the graph grows (an input must be defined before a node
/// uses it; names are unique), so a malformed graph fails here with the offending name rather than
/// later inside the runtime.
/// </summary>
public sealed class OnnxGraphBuilder
{
    private readonly GraphProto _graph;
    private readonly HashSet<string> _defined = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _opsets = new(StringComparer.Ordinal);
    private int _autoName;

    /// <param name="name">Graph name.</param>
    /// <param name="opset">Version of the default (ai.onnx) operator set.</param>
    public OnnxGraphBuilder(string name, int opset = 17)
    {
        _graph = new GraphProto { Name = name };
        _opsets[""] = opset;
    }

    /// <summary>The default-domain opset version.</summary>
    public long Opset => _opsets[""];

    /// <summary>Declares a graph input. A dimension is a fixed size (long) or a symbolic name (string, dynamic).</summary>
    public string Input(string name, OnnxDataType type, params OnnxDim[] shape)
    {
        Define(name);
        _graph.Input.Add(ValueInfo(name, type, shape));
        return name;
    }

    /// <summary>Declares a graph output on an already defined value.</summary>
    public string Output(string name, OnnxDataType type, params OnnxDim[] shape)
    {
        RequireDefined(name, "graph output");
        _graph.Output.Add(ValueInfo(name, type, shape));
        return name;
    }

    /// <summary>Declares a graph output whose shape is left to the runtime's shape inference.</summary>
    public string OutputOfUnknownShape(string name, OnnxDataType type)
    {
        RequireDefined(name, "graph output");
        _graph.Output.Add(new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TensorTypeProto { ElemType = type } } });
        return name;
    }

    /// <summary>Whether a value name is already defined.</summary>
    public bool IsDefined(string name) => _defined.Contains(name);

    /// <summary>Adds a constant tensor (weights) to the graph.</summary>
    public string Initializer<T>(string name, ReadOnlySpan<T> values, params long[] dims) where T : unmanaged
    {
        Define(name);
        _graph.Initializer.Add(TensorProto.Create(name, values, dims));
        return name;
    }

    /// <summary>Adds an already built tensor as an initialiser.</summary>
    public string Initializer(TensorProto tensor)
    {
        Define(tensor.Name);
        _graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Adds a node with one output; returns the output's name (generated if not given).</summary>
    public string Node(string opType, IReadOnlyList<string> inputs, params AttributeProto[] attributes) =>
        NodeCore(opType, inputs, null, 1, null, attributes)[0];

    /// <summary>Adds a node with named outputs (or <paramref name="outputCount"/> generated names).</summary>
    public IReadOnlyList<string> NodeNamed(string opType, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs,
        string? domain = null, params AttributeProto[] attributes) => NodeCore(opType, inputs, outputs, 1, domain, attributes);

    /// <summary>Adds a node with several generated outputs.</summary>
    public IReadOnlyList<string> NodeMulti(string opType, IReadOnlyList<string> inputs, int outputCount, params AttributeProto[] attributes) =>
        NodeCore(opType, inputs, null, outputCount, null, attributes);

    private IReadOnlyList<string> NodeCore(string opType, IReadOnlyList<string> inputs, IReadOnlyList<string>? outputs,
        int outputCount, string? domain, AttributeProto[] attributes)
    {
        ArgumentException.ThrowIfNullOrEmpty(opType);
        var node = new NodeProto { OpType = opType, Domain = domain, Name = $"{opType}_{_graph.Node.Count}" };
        foreach (var input in inputs)
        {
            if (input.Length != 0) RequireDefined(input, $"input of node {node.Name}");
            node.Input.Add(input);
        }
        var names = outputs ?? Enumerable.Range(0, outputCount).Select(_ => $"{opType.ToLowerInvariant()}_{_autoName++}").ToArray();
        foreach (var output in names)
        {
            Define(output);
            node.Output.Add(output);
        }
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        if (!string.IsNullOrEmpty(domain) && !_opsets.ContainsKey(domain)) _opsets[domain] = 1;
        return names;
    }

    /// <summary>Drops initialisers that no node or output reads (e.g. constants an importer replaced); returns how many.</summary>
    public int RemoveUnusedInitializers()
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in _graph.Node) foreach (var i in n.Input) used.Add(i);
        foreach (var o in _graph.Output) used.Add(o.Name);
        int removed = _graph.Initializer.RemoveAll(t => !used.Contains(t.Name));
        return removed;
    }

    /// <summary>Imports an additional operator domain at a version.</summary>
    public void ImportOpset(string domain, long version) => _opsets[domain] = version;

    /// <summary>The finished model.</summary>
    public ModelProto Build(string producer = "PoseLive", IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (_graph.Output.Count == 0) throw new InvalidOperationException($"Graph '{_graph.Name}' has no outputs.");
        var model = new ModelProto { ProducerName = producer, ProducerVersion = ThisAssembly.Version, Graph = _graph };
        foreach (var (domain, version) in _opsets) model.OpsetImport.Add(new OperatorSetIdProto { Domain = domain, Version = version });
        if (metadata is not null)
            foreach (var (k, v) in metadata) model.MetadataProps.Add(new StringStringEntryProto { Key = k, Value = v });
        return model;
    }

    /// <summary>The finished model as bytes.</summary>
    public byte[] ToBytes() => Build().ToByteArray();

    private void Define(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!_defined.Add(name)) throw new ArgumentException($"ONNX value '{name}' is already defined in graph '{_graph.Name}'.", nameof(name));
    }

    private void RequireDefined(string name, string role)
    {
        if (!_defined.Contains(name)) throw new ArgumentException($"ONNX value '{name}' ({role}) is not defined in graph '{_graph.Name}'.", nameof(name));
    }

    private static ValueInfoProto ValueInfo(string name, OnnxDataType type, OnnxDim[] shape)
    {
        var tensorShape = new TensorShapeProto();
        foreach (var d in shape) tensorShape.Dim.Add(d.ToProto());
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TensorTypeProto { ElemType = type, Shape = tensorShape } },
        };
    }
}

/// <summary>One dimension of a declared shape: a fixed size or a symbolic (dynamic) name.</summary>
public readonly record struct OnnxDim(long? Value, string? Symbol)
{
    public static implicit operator OnnxDim(long value) => new(value, null);
    public static implicit operator OnnxDim(int value) => new(value, null);
    public static implicit operator OnnxDim(string symbol) => new(null, symbol);

    internal DimensionProto ToProto() => new() { DimValue = Value, DimParam = Symbol };

    public override string ToString() => Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Symbol ?? "?";
}
