using Ort = Microsoft.ML.OnnxRuntime;

namespace PoseLive.Inference;

/// <summary>
/// A prepared inference call over fixed tensors (see <see cref="InferenceSession.Bind"/>): an
/// <see cref="Ort.OrtIoBinding"/> with the inputs and outputs bound once. Refill the input tensors' memory and call
/// <see cref="Run()"/> again: nothing is allocated per run. Not thread-safe; use one binding per thread. The bound
/// tensors stay pinned while the binding lives (even if their owner disposes them first); disposing the binding
/// does not dispose them.
/// </summary>
public sealed class SessionBinding : IDisposable
{
    private readonly InferenceSession _owner;
    private readonly Ort.InferenceSession _session;
    private readonly Ort.OrtIoBinding _binding;
    private readonly Ort.RunOptions _runOptions;
    private readonly string[] _outputNames;
    private readonly bool[] _allocatedByOrt;
    private readonly string _context;
    private readonly Lock _gate = new(); // Dispose waits for a Run in flight: ORT may be writing into pinned outputs
    private readonly bool[] _taken;
    private readonly List<OrtTensor> _held = [];   // every bound tensor, retained until Dispose
    private Ort.IDisposableReadOnlyCollection<Ort.OrtValue>? _fetched;
    private bool _ran;
    private bool _disposed;

    internal SessionBinding(InferenceSession owner, Ort.InferenceSession session,
        IReadOnlyDictionary<string, OrtTensor> inputs, IReadOnlyDictionary<string, OrtTensor?> outputs)
    {
        _owner = owner;
        _session = session;
        _context = $"running model {owner.Source}";
        _outputNames = [.. outputs.Keys];
        _allocatedByOrt = [.. _outputNames.Select(n => outputs[n] is null)];
        _taken = new bool[_outputNames.Length];
        _runOptions = new Ort.RunOptions();
        _binding = session.CreateIoBinding();
        try
        {
            foreach (var (name, tensor) in inputs)
            {
                var value = Hold(tensor);
                OrtErrors.Translate(() => _binding.BindInput(name, value), $"binding input '{name}' of {owner.Source}");
            }
            foreach (var (name, tensor) in outputs)
            {
                if (tensor is null) OrtErrors.Translate(() => _binding.BindOutputToDevice(name, Ort.OrtMemoryInfo.DefaultInstance), $"binding output '{name}' of {owner.Source}");
                else
                {
                    var value = Hold(tensor);
                    OrtErrors.Translate(() => _binding.BindOutput(name, value), $"binding output '{name}' of {owner.Source}");
                }
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    private Ort.OrtValue Hold(OrtTensor tensor)
    {
        var value = tensor.Retain();
        _held.Add(tensor);
        return value;
    }

    /// <summary>Runs the model once.</summary>
    public void Run()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ReleaseOrtOutputs();
            try
            {
                _session.RunWithBinding(_runOptions, _binding);
                _ran = true;
            }
            catch (Ort.OnnxRuntimeException e)
            {
                throw OrtErrors.From(e, _context);
            }
        }
    }

    /// <summary>Runs the model once; cancelling the token terminates the native run (an <see cref="OperationCanceledException"/> follows).</summary>
    public void Run(CancellationToken cancellationToken)
    {
        if (!cancellationToken.CanBeCanceled) { Run(); return; }
        cancellationToken.ThrowIfCancellationRequested();
        using (cancellationToken.UnsafeRegister(static s => ((Ort.RunOptions)s!).Terminate = true, _runOptions))
        {
            try
            {
                Run();
            }
            catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
            {
                _runOptions.Terminate = false;
                throw new OperationCanceledException($"Run of {_owner.Source} was cancelled.", cancellationToken);
            }
        }
    }

    /// <summary>After a run: an output that ORT allocated (bound as null), copied into a new managed tensor.</summary>
    public OrtTensor TakeOutput(string name)
    {
        int index = Array.IndexOf(_outputNames, name);
        if (index < 0) throw new TensorMismatchException($"Output '{name}' is not bound (bound: {string.Join(", ", _outputNames)}).");
        if (!_allocatedByOrt[index]) throw new InvalidOperationException($"Output '{name}' was bound to a caller tensor: read that tensor.");
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_ran || _taken[index]) throw new InvalidOperationException($"Output '{name}' has no value: call Run first (each run's output can be taken once).");
            // Bound outputs come back in binding order, held until the next run.
            _fetched ??= _binding.GetOutputValues();
            _taken[index] = true;
            return OrtTensor.CopyOf(_fetched[index]);
        }
    }

    private void ReleaseOrtOutputs()
    {
        _fetched?.Dispose();
        _fetched = null;
        Array.Clear(_taken);
        _ran = false;
    }

    public void Dispose()
    {
        using var _ = _gate.EnterScope();
        if (_disposed) return;
        _disposed = true;
        ReleaseOrtOutputs();
        _binding?.Dispose();
        _runOptions.Dispose();
        foreach (var t in _held) t.Release();
        _held.Clear();
    }
}
