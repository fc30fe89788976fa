using PoseLive.Interop.Ort;

namespace PoseLive.Inference;

/// <summary>
/// A prepared inference call over fixed tensors (see <see cref="InferenceSession.Bind"/>). Refill the
/// input tensors' memory and call <see cref="Run()"/> again: nothing is allocated per run. Not thread-safe;
/// use one binding per thread. Disposing it does not dispose the tensors.
/// </summary>
public sealed class SessionBinding : IDisposable
{
    private readonly InferenceSession _session;
    private readonly OrtRunBinding _native;
    private readonly string[] _outputNames;
    private readonly string _context;

    internal SessionBinding(InferenceSession session, OrtRunBinding native, string[] outputNames)
    {
        _session = session;
        _native = native;
        _outputNames = outputNames;
        _context = $"running model {session.Source}";
    }

    /// <summary>Runs the model once.</summary>
    public void Run() => _native.Run(_context);

    /// <summary>Runs the model once; cancelling the token terminates the native run (an <see cref="OperationCanceledException"/> follows).</summary>
    public void Run(CancellationToken cancellationToken)
    {
        if (!cancellationToken.CanBeCanceled) { Run(); return; }
        cancellationToken.ThrowIfCancellationRequested();
        using (cancellationToken.UnsafeRegister(static s => ((OrtRunBinding)s!).Terminate(), _native))
        {
            try
            {
                _native.Run(_context);
            }
            catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
            {
                _native.ResetTerminate();
                throw new OperationCanceledException($"Run of {_session.Source} was cancelled.", cancellationToken);
            }
        }
    }

    /// <summary>After a run: an output that ORT allocated (bound as null), copied into a new managed tensor.</summary>
    public OrtTensor TakeOutput(string name)
    {
        int index = Array.IndexOf(_outputNames, name);
        if (index < 0) throw new TensorMismatchException($"Output '{name}' is not bound (bound: {string.Join(", ", _outputNames)}).");
        var value = _native.TakeAllocatedOutput(index);
        if (value == 0) throw new InvalidOperationException($"Output '{name}' has no value: call Run first (each run's output can be taken once).");
        return OrtTensor.FromOrtAllocated(value);
    }

    public void Dispose() => _native.Dispose();
}
