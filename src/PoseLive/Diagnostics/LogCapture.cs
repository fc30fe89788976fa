namespace PoseLive.Diagnostics;

/// <summary>
/// Holds back one source's log records on the calling thread (native libraries log synchronously on the thread that
/// called them), so that a step which fails can fold the library's own words into one clear error instead of
/// printing them as noise; <see cref="Release"/> passes them on when the step succeeded.
/// </summary>
public sealed class LogCapture : IDisposable
{
    [ThreadStatic] private static LogCapture? t_current;
    private readonly LogCapture? _outer;
    private readonly string _source;
    private readonly List<LogRecord> _records = [];

    private LogCapture(string source)
    {
        _source = source;
        _outer = t_current;
        t_current = this;
    }

    /// <summary>Starts holding back <paramref name="source"/>'s records on this thread.</summary>
    public static LogCapture Start(string source) => new(source);

    /// <summary>What was held back so far.</summary>
    public IReadOnlyList<LogRecord> Records => _records;

    /// <summary>The last held error (or warning) message, or null.</summary>
    public string? LastProblem =>
        _records.LastOrDefault(r => r.Level >= LogLevel.Error).Message ?? _records.LastOrDefault(r => r.Level >= LogLevel.Warning).Message;

    internal static bool TryTake(LogLevel level, string source, string message)
    {
        for (var c = t_current; c is not null; c = c._outer)
            if (c._source == source) { c._records.Add(new LogRecord(level, source, message)); return true; }
        return false;
    }

    /// <summary>Stops holding back and passes every held record on (the step succeeded).</summary>
    public void Release()
    {
        Stop();
        foreach (var r in _records) Log.Forward(r);
        _records.Clear();
    }

    /// <summary>Stops holding back; records not released are dropped.</summary>
    public void Dispose() => Stop();

    private void Stop()
    {
        if (ReferenceEquals(t_current, this)) t_current = _outer;
    }
}
