using PoseLive.Onnx;
using Ort = Microsoft.ML.OnnxRuntime;

namespace PoseLive.Inference;

/// <summary>
/// An ONNX model loaded into ONNX Runtime (an <see cref="Ort.InferenceSession"/> with PoseLive's option names and
/// error messages). Inputs and outputs are checked against the model before any native call (name, element type,
/// shape), so a mismatch is reported with the model's expectation. Thread-safe for concurrent runs (ORT sessions
/// are); a <see cref="SessionBinding"/> is not.
/// </summary>
public sealed class InferenceSession : IDisposable
{
    private readonly Ort.InferenceSession _session;
    private readonly Dictionary<string, NodeInfo> _inputsByName;
    private readonly Dictionary<string, NodeInfo> _outputsByName;

    private InferenceSession(Ort.InferenceSession session, string source, ExecutionProvider provider)
    {
        _session = session;
        Source = source;
        Provider = provider;
        Inputs = [.. session.InputNames.Select(n => Describe(n, session.InputMetadata[n]))];
        Outputs = [.. session.OutputNames.Select(n => Describe(n, session.OutputMetadata[n]))];
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
        return Create(options, full, $"loading ONNX model '{path}'", o => new Ort.InferenceSession(full, o));
    }

    /// <summary>Loads a model from bytes (e.g. built with <see cref="OnnxGraphBuilder"/>).</summary>
    public static InferenceSession FromBytes(ReadOnlySpan<byte> model, InferenceOptions? options = null, string name = "(in-memory model)")
    {
        if (model.IsEmpty) throw new InvalidDataException($"ONNX model {name} is empty (0 bytes).");
        var bytes = model.ToArray();
        return Create(options, name, $"loading ONNX model {name}", o => new Ort.InferenceSession(bytes, o));
    }

    private static InferenceSession Create(InferenceOptions? options, string source, string context, Func<Ort.SessionOptions, Ort.InferenceSession> open)
    {
        options ??= InferenceOptions.Default;
        OnnxRuntime.EnsureLoaded();
        var provider = options.ResolveProvider();
        using var native = SessionOptionsFor(options, provider);
        var session = OrtErrors.Translate(() => open(native), context);
        try
        {
            return new InferenceSession(session, source, provider);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static Ort.SessionOptions SessionOptionsFor(InferenceOptions options, ExecutionProvider provider)
    {
        var o = new Ort.SessionOptions();
        try
        {
            if (options.IntraOpThreads > 0) o.IntraOpNumThreads = options.IntraOpThreads;
            if (options.InterOpThreads > 0) o.InterOpNumThreads = options.InterOpThreads;
            o.ExecutionMode = options.ParallelExecution ? Ort.ExecutionMode.ORT_PARALLEL : Ort.ExecutionMode.ORT_SEQUENTIAL;
            o.GraphOptimizationLevel = (Ort.GraphOptimizationLevel)(int)options.GraphOptimization;
            if (!options.AllowSpinning) o.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
            if (provider == ExecutionProvider.Cuda)
            {
                using var cuda = new Ort.OrtCUDAProviderOptions();
                cuda.UpdateOptions(new Dictionary<string, string>
                {
                    ["device_id"] = options.CudaDeviceId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["cudnn_conv_algo_search"] = "HEURISTIC", // no minutes-long exhaustive search at start-up
                    ["do_copy_in_default_stream"] = "1",
                });
                OrtErrors.Translate(() => o.AppendExecutionProvider_CUDA(cuda), "enabling the CUDA execution provider");
            }
            return o;
        }
        catch
        {
            o.Dispose();
            throw;
        }
    }

    private static NodeInfo Describe(string name, Ort.NodeMetadata meta)
    {
        if (meta.OnnxValueType != Ort.OnnxValueType.ONNX_TYPE_TENSOR)
            return new NodeInfo(name, OnnxDataType.Undefined, [], [], IsTensor: false);
        var shape = meta.Dimensions.Select(d => (long)d).ToArray();
        var symbols = meta.SymbolicDimensions.Select(s => string.IsNullOrEmpty(s) ? null : s).ToArray();
        return new NodeInfo(name, (OnnxDataType)(int)meta.ElementDataType, shape, symbols, IsTensor: true);
    }

    /// <summary>The ORT session (for benchmarks that compare against the plain official API).</summary>
    internal Ort.InferenceSession Native => _session;

    /// <summary>The model's file path, or the name given for an in-memory model.</summary>
    public string Source { get; }

    /// <summary>The execution provider this session runs on.</summary>
    public ExecutionProvider Provider { get; }

    public IReadOnlyList<NodeInfo> Inputs { get; }
    public IReadOnlyList<NodeInfo> Outputs { get; }

    /// <summary>
    /// Prepares a reusable run over the given tensors (an <see cref="Ort.OrtIoBinding"/>): each
    /// <see cref="SessionBinding.Run()"/> is then one RunWithBinding call that allocates nothing. Outputs may be a
    /// subset of the model's outputs; an output mapped to null is allocated by ORT per run and read with
    /// <see cref="SessionBinding.TakeOutput"/>.
    /// </summary>
    public SessionBinding Bind(IReadOnlyDictionary<string, OrtTensor> inputs, IReadOnlyDictionary<string, OrtTensor?> outputs)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        foreach (var node in Inputs)
            if (!inputs.ContainsKey(node.Name))
                throw new TensorMismatchException($"Model {Source} needs input '{node.Name}' {node.ElementType} {node.ShapeText}, which was not given.");
        foreach (var (name, tensor) in inputs) Check(name, tensor, _inputsByName, "input");
        if (outputs.Count == 0) throw new TensorMismatchException($"Model {Source}: no outputs requested (model outputs: {List(_outputsByName)}).");
        foreach (var (name, tensor) in outputs) Check(name, tensor, _outputsByName, "output");
        return new SessionBinding(this, _session, inputs, outputs);
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

    private bool _disposed;

    public void Dispose()
    {
        _disposed = true;
        _session.Dispose();
    }
}
