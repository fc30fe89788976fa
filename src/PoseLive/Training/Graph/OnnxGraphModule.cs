using PoseLive.IO;
using PoseLive.Onnx;
using PoseLive.Training.Modules;
using PoseLive.Training.Tensors;

namespace PoseLive.Training.Graph;

/// <summary>
/// An ONNX model's graph as a trainable libtorch module: every learnable initialiser (weights, biases, scales; float16
/// ones trained in float32) is a named parameter, batch-norm running statistics are buffers, and shape or setting
/// initialisers (and Constant nodes) are fixed. <see cref="Run"/> executes the nodes in order through
/// <see cref="GraphOps"/>, freeing each value after its last use, so autograd differentiates the model exactly as
/// ONNX Runtime computes it. <see cref="ToModel"/> writes the same graph back with the current initialiser values in
/// their original types, so a fine-tuned model is served like the original, at the same speed.
/// </summary>
public sealed class OnnxGraphModule : Module
{
    private readonly ModelProto _model;
    private readonly Dictionary<string, Tensor> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _saved = new(StringComparer.Ordinal);
    private readonly List<string>[] _freeAfter;
    private readonly string[] _inputs;

    /// <summary>Where the graph came from (a path, or a name), for messages.</summary>
    public string Source { get; }

    /// <summary>Graph inputs a caller feeds, in graph order (initialisers listed as inputs excluded).</summary>
    public IReadOnlyList<string> InputNames => _inputs;

    /// <summary>Graph outputs, in the order <see cref="Run"/> returns them.</summary>
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>In training mode, keep batch-norm's running statistics (and use them) instead of batch statistics — the usual choice when fine-tuning with small batches.</summary>
    public bool FreezeBatchNorm { get; set; }

    /// <summary>Reads an ONNX file; an unreadable file or an unsupported op fails naming the file and the node.</summary>
    public static OnnxGraphModule Load(string path)
    {
        var model = OnnxReader.ReadFile(path);
        try { return new OnnxGraphModule(model, path); }
        catch (GraphOpException e) { throw new GraphOpException($"{path}: {e.Message}"); }
    }

    public OnnxGraphModule(ModelProto model, string source)
    {
        _model = model;
        Source = source;
        var graph = model.Graph ?? throw new GraphOpException("the model has no graph");
        foreach (var node in graph.Node)
            if (!GraphOps.Supported.Contains(node.OpType) || !string.IsNullOrEmpty(node.Domain) && node.Domain != "ai.onnx")
                throw new GraphOpException($"unsupported op {(string.IsNullOrEmpty(node.Domain) ? "" : node.Domain + ".")}{node.OpType} ({node.Label()})");

        var roles = Roles(graph);
        var layerWeights = LayerWeights(graph);
        try
        {
            foreach (var init in graph.Initializer)
            {
                var tensor = FromProto(init);
                _values[init.Name] = tensor;
                var role = roles.GetValueOrDefault(init.Name, Role.Setting);
                // Only layer weights learn (conv, matmul and normalisation weights and biases). Operands of elementwise ops
                // are constants of the graph's formulas: input scaling, hard-swish's 3 and 1/6, MoveNet's centre-weighting map.
                bool learnable = role == Role.Learnable && tensor.DType == DType.Float32 && layerWeights.Contains(init.Name);
                if (learnable) { RegisterParameter(init.Name, tensor); _saved.Add(init.Name); }
                else if (role == Role.Statistic && tensor.DType == DType.Float32) { RegisterBuffer(init.Name, tensor); _saved.Add(init.Name); }
                else RegisterConstant(tensor);
            }
            foreach (var node in graph.Node.Where(n => n.OpType == "Constant"))
            {
                var value = node.TensorAttr("value") ?? throw node.Unsupported("a Constant without a tensor value");
                var tensor = FromProto(value);
                _values[node.Output[0]] = tensor;
                RegisterConstant(tensor);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
        var initNames = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        _inputs = [.. graph.Input.Select(i => i.Name).Where(n => !initNames.Contains(n))];
        OutputNames = [.. graph.Output.Select(o => o.Name)];
        _freeAfter = LastUses(graph);
    }

    private enum Role { Setting, Learnable, Statistic }

    // A float initialiser is a running statistic when batch-norm reads it as one, learnable when a layer reads it as a
    // weight (and a setting otherwise: shapes, bounds, pad amounts, formula constants).
    private static Dictionary<string, Role> Roles(GraphProto graph)
    {
        var roles = new Dictionary<string, Role>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
            for (int i = 0; i < node.Input.Count; i++)
            {
                var name = node.Input[i];
                if (name.Length == 0) continue;
                var role = GraphOps.IsRunningStatistic(node.OpType, i) ? Role.Statistic : GraphOps.IsSettingOperand(node.OpType, i) ? Role.Setting : Role.Learnable;
                roles[name] = roles.TryGetValue(name, out var had) ? (Role)Math.Max((int)had, (int)role) : role;
            }
        return roles;
    }

    // Operands of layers after the first (weights, biases, scales), followed back through Casts (half-precision weights
    // cast up where they are used are still weights).
    private static HashSet<string> LayerWeights(GraphProto graph)
    {
        var weights = graph.Node.Where(n => GraphOps.IsLayer(n.OpType)).SelectMany(n => n.Input.Skip(1)).ToHashSet(StringComparer.Ordinal);
        var casts = graph.Node.Where(n => n.OpType == "Cast" && n.Input.Count == 1).ToDictionary(n => n.Output[0], n => n.Input[0], StringComparer.Ordinal);
        foreach (var w in weights.ToList())
            for (var v = w; casts.TryGetValue(v, out var input); v = input) weights.Add(input);
        return weights;
    }

    private static Tensor FromProto(TensorProto t)
    {
        var shape = t.Dims.ToArray();
        var dtype = GraphOps.DTypeOf(null, t.DataType);
        if (t.DataType == OnnxDataType.Float16)
        {
            var halves = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(t.RawData.Span);
            var floats = new float[halves.Length];
            for (int i = 0; i < floats.Length; i++) floats[i] = (float)halves[i];
            return Tensor.FromArray(floats, shape);
        }
        long count = shape.Aggregate(1L, (a, b) => a * b);
        if (t.RawData.Length != count * OnnxDataTypeInfo.SizeOf(t.DataType))
            throw new GraphOpException($"initialiser '{t.Name}' holds {t.RawData.Length} bytes for shape [{string.Join(",", shape)}] of {t.DataType}");
        return Tensor.FromBytes(t.RawData.Span, shape, dtype);
    }

    // Values (not inputs, initialisers or outputs) to free after each node: the ones it reads for the last time.
    private List<string>[] LastUses(GraphProto graph)
    {
        var last = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int n = 0; n < graph.Node.Count; n++)
        {
            foreach (var i in graph.Node[n].Input) if (i.Length > 0) last[i] = n;
            foreach (var o in graph.Node[n].Output) if (o.Length > 0) last.TryAdd(o, n); // unread outputs go at once
        }
        var free = Enumerable.Range(0, graph.Node.Count).Select(_ => new List<string>()).ToArray();
        var keep = new HashSet<string>(_values.Keys.Concat(_inputs).Concat(OutputNames), StringComparer.Ordinal);
        foreach (var (name, n) in last) if (!keep.Contains(name)) free[n].Add(name);
        return free;
    }

    /// <summary>Runs the graph on one input and returns its only output.</summary>
    public override Tensor Forward(Tensor input)
    {
        var outputs = Run(input);
        if (outputs.Length == 1) return outputs[0];
        foreach (var o in outputs) o.Dispose();
        throw new InvalidOperationException($"{Source} has {outputs.Length} outputs ({string.Join(", ", OutputNames)}): use Run");
    }

    /// <summary>Runs the graph on its inputs (in <see cref="InputNames"/> order) and returns every output, in graph order.</summary>
    public Tensor[] Run(params Tensor[] inputs) => RunValues(inputs, OutputNames);

    /// <summary>The node that computes <paramref name="value"/> (null for inputs, initialisers and unknown names).</summary>
    public NodeProto? Producer(string value) => _model.Graph!.Node.FirstOrDefault(n => n.Output.Contains(value));

    /// <summary>Whether <paramref name="value"/> is a fixed tensor of the graph (an initialiser or Constant output that does not learn).</summary>
    public bool IsFixed(string value) => _values.ContainsKey(value) && !_saved.Contains(value);

    /// <summary>
    /// Runs the graph and returns the named values — outputs or any intermediate value (e.g. a head before a fixed
    /// post-processing step) — in the order asked; nodes after the last value needed still run (graphs are small).
    /// </summary>
    public Tensor[] RunValues(Tensor[] inputs, IReadOnlyList<string> names)
    {
        if (inputs.Length != _inputs.Length)
            throw new ArgumentException($"{Source} takes {_inputs.Length} inputs ({string.Join(", ", _inputs)}), got {inputs.Length}", nameof(inputs));
        var graph = _model.Graph!;
        var wanted = names.ToHashSet(StringComparer.Ordinal);
        var mode = new GraphMode(IsTraining, FreezeBatchNorm);
        var env = new Dictionary<string, Tensor>(_values, StringComparer.Ordinal);
        for (int i = 0; i < inputs.Length; i++) env[_inputs[i]] = inputs[i];
        var made = new List<Tensor>();
        var returned = new HashSet<Tensor>();
        try
        {
            for (int n = 0; n < graph.Node.Count; n++)
            {
                var node = graph.Node[n];
                if (node.OpType == "Constant") continue;
                var args = new Tensor?[node.Input.Count];
                for (int i = 0; i < args.Length; i++)
                {
                    var name = node.Input[i];
                    if (name.Length == 0) continue;
                    args[i] = env.TryGetValue(name, out var v) ? v : throw new GraphOpException($"{Source}: {node.Label()} reads '{name}', which no earlier node makes");
                }
                Tensor[] results;
                using (var scope = new DisposeScope())
                {
                    results = GraphOps.Run(node, args, mode);
                    foreach (var r in results) scope.MoveToOuter(r);
                }
                for (int o = 0; o < results.Length; o++)
                {
                    if (o < node.Output.Count) env[node.Output[o]] = results[o];
                    made.Add(results[o]);
                }
                foreach (var name in _freeAfter[n])
                    if (!wanted.Contains(name) && env.Remove(name, out var dead)) dead.Dispose();
            }
            var values = names.Select(o => env.TryGetValue(o, out var v) ? v : throw new GraphOpException($"{Source}: '{o}' is not a value of the graph")).ToArray();
            foreach (var v in values) returned.Add(v);
            return values;
        }
        finally
        {
            foreach (var t in made) if (!returned.Contains(t)) t.Dispose();
        }
    }

    /// <summary>The same model with the current parameter and running-statistic values, each in its initialiser's original type.</summary>
    public ModelProto ToModel(IReadOnlyDictionary<string, string>? metadata = null)
    {
        var source = _model.Graph!;
        var graph = new GraphProto { Name = source.Name, DocString = source.DocString };
        graph.Node.AddRange(source.Node);
        graph.Input.AddRange(source.Input);
        graph.Output.AddRange(source.Output);
        graph.ValueInfo.AddRange(source.ValueInfo);
        foreach (var init in source.Initializer)
            graph.Initializer.Add(_saved.Contains(init.Name) ? Updated(init, _values[init.Name]) : init);
        var model = new ModelProto
        {
            IrVersion = _model.IrVersion, ProducerName = _model.ProducerName, ProducerVersion = _model.ProducerVersion, Domain = _model.Domain,
            ModelVersion = _model.ModelVersion, DocString = _model.DocString, Graph = graph,
        };
        model.OpsetImport.AddRange(_model.OpsetImport);
        var props = _model.MetadataProps.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        if (metadata is not null) foreach (var (k, v) in metadata) props[k] = v;
        foreach (var (k, v) in props) model.MetadataProps.Add(new StringStringEntryProto { Key = k, Value = v });
        return model;
    }

    private static TensorProto Updated(TensorProto original, Tensor value)
    {
        using var detached = value.Detach();
        var floats = detached.ToFloats();
        var t = original.DataType == OnnxDataType.Float16
            ? TensorProto.Create<Half>(original.Name, floats.Select(f => (Half)f).ToArray(), original.Dims.ToArray())
            : TensorProto.Create<float>(original.Name, floats, original.Dims.ToArray());
        t.DocString = original.DocString;
        return t;
    }

    /// <summary>Writes <see cref="ToModel"/> to <paramref name="path"/> atomically.</summary>
    public void Save(string path, IReadOnlyDictionary<string, string>? metadata = null) =>
        AtomicFile.WriteAllBytes(path, ToModel(metadata).ToByteArray());
}
