using System.Diagnostics;

namespace PoseLive.Cli.Commands;

/// <summary>Progress frames per second of this run alone: resumed frames (already done) are not counted.</summary>
internal sealed class FrameRate
{
    private long _first = -1;
    private long _start;

    public double Update(long done)
    {
        if (_first < 0) { _first = done; _start = Stopwatch.GetTimestamp(); return 0; }
        return (done - _first) / Math.Max(1e-9, Stopwatch.GetElapsedTime(_start).TotalSeconds);
    }
}
