using PoseLive.Onnx;

namespace PoseLive.Inference;

/// <summary>
/// Reusable runs of a single-input model at any batch size: for each batch size it keeps pre-allocated
/// input and output tensors and a prepared <see cref="SessionBinding"/>, so steady-state inference neither
/// allocates nor copies. Write the input through <see cref="PreparedBatch.Input"/>, call Run, read the outputs.
/// Output shapes come from the model (dynamic batch dimension, everything else fixed). Not thread-safe.
/// </summary>
public sealed class BatchedRunner : IDisposable
{
    private readonly InferenceSession _session;
    private readonly NodeInfo _input;
    private readonly Dictionary<int, PreparedBatch> _batches = [];

    public BatchedRunner(InferenceSession session)
    {
        _session = session;
        _input = session.Inputs.Count == 1 ? session.Inputs[0]
            : throw new ArgumentException($"{session.Source}: BatchedRunner needs a single-input model (it has {session.Inputs.Count}).");
        foreach (var o in session.Outputs)
            if (o.Shape.Skip(1).Any(d => d < 0))
                throw new ArgumentException($"{session.Source}: output '{o.Name}' {o.ShapeText} has a dynamic dimension besides the batch.");
    }

    /// <summary>The prepared run for <paramref name="batch"/> items (created on first use).</summary>
    public PreparedBatch For(int batch)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        return _batches.TryGetValue(batch, out var prepared) ? prepared : _batches[batch] = Create(batch);
    }

    // apart from For: its lambdas capture the batch size, and a captured parameter costs a closure on every call
    private PreparedBatch Create(int batch)
    {
        if (_input.Shape[0] >= 0 && _input.Shape[0] != batch)
            throw new ArgumentException($"{_session.Source}: the model's batch size is fixed at {_input.Shape[0]}.");
        var inputShape = _input.Shape.Select((d, i) => i == 0 ? batch : d).ToArray();
        var input = _input.ElementType switch
        {
            OnnxDataType.Float => OrtTensor.Allocate<float>(inputShape),
            OnnxDataType.Int32 => OrtTensor.Allocate<int>(inputShape),
            OnnxDataType.UInt8 => OrtTensor.Allocate<byte>(inputShape),
            _ => throw new NotSupportedException($"{_session.Source}: input type {_input.ElementType} is not supported by BatchedRunner."),
        };
        var outputs = _session.Outputs.ToDictionary(o => o.Name, o => OrtTensor.Allocate<float>(o.Shape.Select((d, i) => i == 0 ? batch : d).ToArray()));
        var binding = _session.Bind(new Dictionary<string, OrtTensor> { [_input.Name] = input }, outputs.ToDictionary(kv => kv.Key, kv => (OrtTensor?)kv.Value));
        return new PreparedBatch(input, outputs, binding);
    }

    public void Dispose()
    {
        foreach (var b in _batches.Values) b.Dispose();
        _batches.Clear();
    }
}

/// <summary>Pre-allocated tensors and the prepared binding of one batch size.</summary>
public sealed class PreparedBatch(OrtTensor input, IReadOnlyDictionary<string, OrtTensor> outputs, SessionBinding binding) : IDisposable
{
    public OrtTensor Input { get; } = input;
    public IReadOnlyDictionary<string, OrtTensor> Outputs { get; } = outputs;

    /// <summary>Runs the model on the current input contents; outputs are overwritten in place.</summary>
    public void Run() => binding.Run();

    public void Dispose()
    {
        binding.Dispose();
        Input.Dispose();
        foreach (var o in Outputs.Values) o.Dispose();
    }
}
