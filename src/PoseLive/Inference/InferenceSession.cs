using PoseLive.Interop.Ort;

namespace PoseLive.Inference;

/// <summary>
/// An ONNX model loaded into ONNX Runtime. Inputs and outputs are checked against the model before any
/// native call (name, element type, shape), so a mismatch is reported with the model's expectation.
/// Thread-safe for concurrent runs (ORT sessions are); a <see cref="SessionBinding"/> is not.
/// </summary>
public sealed class InferenceSession : IDisposable
{
    private readonly OrtSessionHandle _session;
    private readonly Dictionary<string, NodeInfo> _inputsByName;
    private readonly Dictionary<string, NodeInfo> _outputsByName;

    private InferenceSession(OrtSessionHandle session, string source, ExecutionProvider provider)
    {
        _session = session;
        Source = source;
        Provider = provider;
        Inputs = OrtSessionNative.ReadNodes(session, inputs: true);
        Outputs = OrtSessionNative.ReadNodes(session, inputs: false);
        _inputsByName = Inputs.ToDictionary(n => n.Name, StringComparer.Ordinal);
        _outputsByName = Outputs.ToDictionary(n => n.Name, StringComparer.Ordinal);
    }

    /// <summary>Loads a model file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="OnnxRuntimeException">ORT rejected the model (corrupt, truncated, unsupported).</exception>
    public static InferenceSession FromFile(string path, InferenceOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new FileNotFoundException($"ONNX model '{path}' is a directory, not a file.", path);
        if (!File.Exists(full)) throw new FileNotFoundException($"ONNX model file '{path}' does not exist.", path);
        if (new FileInfo(full).Length == 0) throw new InvalidDataException($"ONNX model file '{path}' is empty (0 bytes).");
        options ??= InferenceOptions.Default;
        var provider = options.ResolveProvider();
        using var nativeOptions = OrtSessionNative.CreateOptions(options);
        return new InferenceSession(OrtSessionNative.CreateFromFile(full, nativeOptions), full, provider);
    }

    /// <summary>Loads a model from bytes (e.g. built with <see cref="Onnx.OnnxGraphBuilder"/>).</summary>
    public static InferenceSession FromBytes(ReadOnlySpan<byte> model, InferenceOptions? options = null, string name = "(in-memory model)")
    {
        if (model.IsEmpty) throw new InvalidDataException($"ONNX model {name} is empty (0 bytes).");
        options ??= InferenceOptions.Default;
        var provider = options.ResolveProvider();
        using var nativeOptions = OrtSessionNative.CreateOptions(options);
        return new InferenceSession(OrtSessionNative.CreateFromBytes(model, name, nativeOptions), name, provider);
    }

    /// <summary>The native session (for benchmarks that compare against raw C-API calls).</summary>
    internal OrtSessionHandle Handle => _session;

    /// <summary>The model's file path, or the name given for an in-memory model.</summary>
    public string Source { get; }

    /// <summary>The execution provider this session runs on.</summary>
    public ExecutionProvider Provider { get; }

    public IReadOnlyList<NodeInfo> Inputs { get; }
    public IReadOnlyList<NodeInfo> Outputs { get; }

    /// <summary>
    /// Prepares a reusable run over the given tensors: each <see cref="SessionBinding.Run()"/> is then a
    /// single native call. Outputs may be a subset of the model's outputs; an output mapped to null is
    /// allocated by ORT per run and read with <see cref="SessionBinding.TakeOutput"/>.
    /// </summary>
    public SessionBinding Bind(IReadOnlyDictionary<string, OrtTensor> inputs, IReadOnlyDictionary<string, OrtTensor?> outputs)
    {
        ObjectDisposedException.ThrowIf(_session.IsClosed, this);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        foreach (var node in Inputs)
            if (!inputs.ContainsKey(node.Name))
                throw new TensorMismatchException($"Model {Source} needs input '{node.Name}' {node.ElementType} {node.ShapeText}, which was not given.");
        foreach (var (name, tensor) in inputs) Check(name, tensor, _inputsByName, "input");
        if (outputs.Count == 0) throw new TensorMismatchException($"Model {Source}: no outputs requested (model outputs: {List(_outputsByName)}).");
        foreach (var (name, tensor) in outputs) Check(name, tensor, _outputsByName, "output");

        var inNames = inputs.Keys.ToArray();
        var outNames = outputs.Keys.ToArray();
        return new SessionBinding(this, new OrtRunBinding(_session, inNames, inNames.Select(n => inputs[n].Handle).ToArray(),
            outNames, outNames.Select(n => outputs[n]?.Handle).ToArray()), outNames);
    }

    /// <summary>Runs once with caller-allocated outputs (written in place).</summary>
    public void Run(IReadOnlyDictionary<string, OrtTensor> inputs, IReadOnlyDictionary<string, OrtTensor> outputs)
    {
        using var binding = Bind(inputs, outputs.ToDictionary(kv => kv.Key, kv => (OrtTensor?)kv.Value));
        binding.Run();
    }

    /// <summary>Runs once and returns every output in new managed tensors (the caller disposes them).</summary>
    public IReadOnlyDictionary<string, OrtTensor> Run(IReadOnlyDictionary<string, OrtTensor> inputs)
    {
        using var binding = Bind(inputs, Outputs.ToDictionary(o => o.Name, _ => (OrtTensor?)null));
        binding.Run();
        var result = new Dictionary<string, OrtTensor>(StringComparer.Ordinal);
        try
        {
            foreach (var o in Outputs) result[o.Name] = binding.TakeOutput(o.Name);
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
        return result;
    }

    private void Check(string name, OrtTensor? tensor, Dictionary<string, NodeInfo> nodes, string role)
    {
        if (!nodes.TryGetValue(name, out var node))
            throw new TensorMismatchException($"Model {Source} has no {role} named '{name}'. Its {role}s: {List(nodes)}.");
        if (tensor is null) return;
        if (!node.IsTensor)
            throw new TensorMismatchException($"Model {Source}: {role} '{name}' is not a tensor; only tensors are supported.");
        if (tensor.ElementType != node.ElementType)
            throw new TensorMismatchException($"Model {Source}: {role} '{name}' expects element type {node.ElementType}, got {tensor.ElementType}.");
        if (!node.Accepts(tensor.Shape))
            throw new TensorMismatchException($"Model {Source}: {role} '{name}' expects shape {node.ShapeText}, got {tensor.ShapeText}.");
    }

    private static string List(Dictionary<string, NodeInfo> nodes) => string.Join(", ", nodes.Values.Select(n => n.ToString()));

    public override string ToString() => $"{Path.GetFileName(Source)} ({Provider})";

    public void Dispose() => _session.Dispose();
}
