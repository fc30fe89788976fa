using System.Runtime.InteropServices;
using System.Text;

namespace PoseLive.Interop.Ort;

/// <summary>
/// A prepared <c>Run</c>: input/output names as native UTF-8 strings and OrtValue pointer arrays built
/// once, so each <see cref="Run"/> is exactly one call into ORT. Keeps every bound handle alive
/// (DangerousAddRef) until disposed. Output slots left null are allocated by ORT per call and handed to
/// <see cref="TakeAllocatedOutput"/>.
/// </summary>
internal sealed unsafe class OrtRunBinding : IDisposable
{
    private readonly OrtSessionHandle _session;
    private readonly OrtRunOptionsHandle _runOptions;
    private readonly SafeHandle[] _held;
    private readonly int _inputCount, _outputCount;
    private readonly nint* _inputNames, _outputNames, _inputValues, _outputValues;
    private readonly bool[] _outputAllocatedByOrt;
    private readonly Lock _gate = new(); // Dispose waits for a Run in flight: ORT may be writing into pinned outputs
    private int _disposed;

    public OrtRunBinding(OrtSessionHandle session, IReadOnlyList<string> inputNames, IReadOnlyList<OrtValueHandle> inputs,
        IReadOnlyList<string> outputNames, IReadOnlyList<OrtValueHandle?> outputs)
    {
        _session = session;
        _inputCount = inputNames.Count;
        _outputCount = outputNames.Count;
        nint runOptions;
        OrtStatus.Check(OrtApi.CreateRunOptions(&runOptions), "creating run options");
        _runOptions = OrtHandle.Own<OrtRunOptionsHandle>(runOptions);

        _inputNames = (nint*)NativeMemory.AllocZeroed((nuint)Math.Max(1, _inputCount), (nuint)sizeof(nint));
        _outputNames = (nint*)NativeMemory.AllocZeroed((nuint)Math.Max(1, _outputCount), (nuint)sizeof(nint));
        _inputValues = (nint*)NativeMemory.AllocZeroed((nuint)Math.Max(1, _inputCount), (nuint)sizeof(nint));
        _outputValues = (nint*)NativeMemory.AllocZeroed((nuint)Math.Max(1, _outputCount), (nuint)sizeof(nint));
        _outputAllocatedByOrt = new bool[_outputCount];

        var held = new List<SafeHandle>();
        try
        {
            AddRef(session, held);
            AddRef(_runOptions, held);
            for (int i = 0; i < _inputCount; i++)
            {
                _inputNames[i] = Utf8(inputNames[i]);
                AddRef(inputs[i], held);
                _inputValues[i] = inputs[i].Pointer;
            }
            for (int i = 0; i < _outputCount; i++)
            {
                _outputNames[i] = Utf8(outputNames[i]);
                if (outputs[i] is { } o) { AddRef(o, held); _outputValues[i] = o.Pointer; }
                else _outputAllocatedByOrt[i] = true;
            }
        }
        catch
        {
            _held = [.. held];
            Dispose();
            throw;
        }
        _held = [.. held];
    }

    private static void AddRef(SafeHandle h, List<SafeHandle> held)
    {
        bool added = false;
        h.DangerousAddRef(ref added);
        if (added) held.Add(h);
    }

    private static nint Utf8(string s)
    {
        int n = Encoding.UTF8.GetByteCount(s);
        var p = (byte*)NativeMemory.Alloc((nuint)n + 1);
        Encoding.UTF8.GetBytes(s, new Span<byte>(p, n));
        p[n] = 0;
        return (nint)p;
    }

    /// <summary>One inference call. Throws <see cref="Inference.OnnxRuntimeException"/> on failure.</summary>
    public void Run(string context)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            OrtStatus.Check(OrtApi.Run(_session.Pointer, _runOptions.Pointer, _inputNames, _inputValues, (nuint)_inputCount,
                _outputNames, (nuint)_outputCount, _outputValues), context);
        }
    }

    /// <summary>After <see cref="Run"/>: the ORT-allocated value of output <paramref name="index"/>; the caller releases it.</summary>
    public nint TakeAllocatedOutput(int index)
    {
        if (!_outputAllocatedByOrt[index]) throw new InvalidOperationException("This output was bound to a caller tensor.");
        var v = _outputValues[index];
        _outputValues[index] = 0;
        return v;
    }

    /// <summary>Asks a running <see cref="Run"/> to stop (from another thread); cleared by <see cref="ResetTerminate"/>.</summary>
    public void Terminate() => OrtStatus.Check(OrtApi.RunOptionsSetTerminate(_runOptions.Pointer));

    public void ResetTerminate() => OrtStatus.Check(OrtApi.RunOptionsUnsetTerminate(_runOptions.Pointer));

    public void Dispose()
    {
        using var _ = _gate.EnterScope();
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        for (int i = 0; i < _outputCount; i++)
            if (_outputAllocatedByOrt is not null && _outputAllocatedByOrt[i] && _outputValues[i] != 0) { OrtApi.ReleaseValue(_outputValues[i]); _outputValues[i] = 0; }
        for (int i = 0; i < _inputCount; i++) NativeMemory.Free((void*)_inputNames[i]);
        for (int i = 0; i < _outputCount; i++) NativeMemory.Free((void*)_outputNames[i]);
        NativeMemory.Free(_inputNames);
        NativeMemory.Free(_outputNames);
        NativeMemory.Free(_inputValues);
        NativeMemory.Free(_outputValues);
        if (_held is not null) foreach (var h in _held) h.DangerousRelease();
        _runOptions.Dispose();
    }
}
