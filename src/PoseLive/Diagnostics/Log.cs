namespace PoseLive.Diagnostics;

/// <summary>Severity of a PoseLive log message (native libraries' levels are mapped onto these).</summary>
public enum LogLevel { Verbose = 0, Info = 1, Warning = 2, Error = 3, Fatal = 4 }

/// <summary>One log record: where it came from (e.g. "onnxruntime", "ffmpeg") and what it said.</summary>
public readonly record struct LogRecord(LogLevel Level, string Source, string Message);

/// <summary>
/// Process-wide log that the native libraries' own logging is routed into. By default, warnings and
/// above go to standard error; the CLI and tests may install their own sink.
/// Sinks may be called from native threads: keep them quick and thread-safe.
/// </summary>
public static class Log
{
    private static volatile Action<LogRecord> s_sink = WriteToStandardError;

    /// <summary>Messages below this level are dropped before reaching the sink.</summary>
    public static LogLevel MinimumLevel { get; set; } = LogLevel.Warning;

    /// <summary>Replaces the sink; returns the previous one.</summary>
    public static Action<LogRecord> SetSink(Action<LogRecord> sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        return Interlocked.Exchange(ref s_sink, sink);
    }

    /// <summary>Writes a record if its level passes <see cref="MinimumLevel"/>.</summary>
    public static void Write(LogLevel level, string source, string message)
    {
        if (level < MinimumLevel) return;
        if (LogCapture.TryTake(level, source, message)) return;
        try { s_sink(new LogRecord(level, source, message)); }
        catch (Exception) { /* a failing sink must never take down a native callback */ }
    }

    public static void Warning(string source, string message) => Write(LogLevel.Warning, source, message);
    public static void Info(string source, string message) => Write(LogLevel.Info, source, message);

    /// <summary>Passes a record to the sink, bypassing any capture (a capture replaying what it held).</summary>
    internal static void Forward(LogRecord r)
    {
        try { s_sink(r); }
        catch (Exception) { }
    }

    private static void WriteToStandardError(LogRecord r) =>
        Console.Error.WriteLine($"[{r.Source}] {r.Level.ToString().ToLowerInvariant()}: {r.Message}");
}
