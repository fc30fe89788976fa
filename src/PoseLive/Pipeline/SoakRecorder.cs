using System.Diagnostics;
using System.Globalization;
using PoseLive.Training.Records;

namespace PoseLive.Pipeline;

/// <summary>What a soak run showed: memory drift after warm-up, the spread of throughput, and drop spikes.</summary>
public sealed record SoakSummary(int Samples, double Minutes, double RssStartMb, double RssEndMb, double RssSlopeMbPerHour,
    double FpsMin, double FpsMedian, double FpsMax, int DropSpikes, long Gen2Collections)
{
    public override string ToString() => string.Format(CultureInfo.InvariantCulture,
        "{0} samples over {1:F1} min; RSS {2:F0} → {3:F0} MB, slope after warm-up {4:+0.0;-0.0} MB/h; fps per interval min {5:F1} / median {6:F1} / max {7:F1}; {8} drop spike{9}; {10} gen-2 GCs",
        Samples, Minutes, RssStartMb, RssEndMb, RssSlopeMbPerHour, FpsMin, FpsMedian, FpsMax, DropSpikes, DropSpikes == 1 ? "" : "s", Gen2Collections);
}

/// <summary>
/// Samples a running pipeline every interval into a CSV (one flushed row per sample: time, RSS, managed heap, GC counts,
/// frames, fps and drops of the interval, latency p50/p99), and at the end writes plots of RSS and fps over time
/// beside it and sums the run up (<see cref="SoakSummary"/>). For `poselive run --stats` and scripts/soak.sh.
/// </summary>
public sealed class SoakRecorder : IDisposable
{
    private readonly string _csv;
    private readonly PipelineMetrics _metrics;
    private readonly StreamWriter _writer;
    private readonly Timer _timer;
    private readonly Lock _gate = new();
    private readonly long _start = Stopwatch.GetTimestamp();
    private readonly List<(double Minutes, double RssMb, double Fps, long Dropped)> _rows = [];
    private long _lastFrames, _lastDropped;
    private double _lastSeconds;
    private bool _stopped;

    public SoakRecorder(string csvPath, PipelineMetrics metrics, TimeSpan interval)
    {
        _csv = csvPath;
        _metrics = metrics;
        _writer = new StreamWriter(csvPath, append: false) { AutoFlush = true };
        _writer.WriteLine("seconds,rss_mb,heap_mb,gc0,gc1,gc2,frames,fps,dropped,latency_p50_ms,latency_p99_ms");
        _timer = new Timer(_ => Sample(), null, interval, interval);
    }

    private void Sample()
    {
        lock (_gate)
        {
            if (_stopped) return;
            double seconds = Stopwatch.GetElapsedTime(_start).TotalSeconds;
            var m = _metrics.Snapshot();
            double rss = Environment.WorkingSet / 1048576.0, heap = GC.GetTotalMemory(false) / 1048576.0;
            double fps = (m.FramesOut - _lastFrames) / Math.Max(1e-9, seconds - _lastSeconds);
            long dropped = m.Dropped - _lastDropped;
            (_lastFrames, _lastDropped, _lastSeconds) = (m.FramesOut, m.Dropped, seconds);
            _rows.Add((seconds / 60, rss, fps, dropped));
            _writer.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0:F1},{1:F1},{2:F1},{3},{4},{5},{6},{7:F2},{8},{9:F1},{10:F1}",
                seconds, rss, heap, GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), m.FramesOut, fps, dropped, m.EndToEnd.P50, m.EndToEnd.P99));
        }
    }

    /// <summary>Stops sampling, writes NAME.rss.png and NAME.fps.png beside the CSV, and sums up.</summary>
    public SoakSummary Finish()
    {
        lock (_gate)
        {
            _stopped = true;
            _timer.Dispose();
            _writer.Flush();
        }
        var rows = _rows;
        if (rows.Count == 0) return new SoakSummary(0, 0, 0, 0, 0, 0, 0, 0, 0, GC.CollectionCount(2));
        var stem = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(_csv))!, Path.GetFileNameWithoutExtension(_csv));
        double[] minutes = [.. rows.Select(r => r.Minutes)];
        TrainingPlots.Lines(stem + ".rss.png", "Resident memory over the run", "minutes", "RSS (MB)", [new PlotSeries("RSS", minutes, [.. rows.Select(r => r.RssMb)])]);
        TrainingPlots.Lines(stem + ".fps.png", "Frames per second, per sampling interval", "minutes", "fps", [new PlotSeries("fps", minutes, [.. rows.Select(r => r.Fps)])]);
        // warm-up: the first fifth of the run (at least one sample) is left out of the slope
        var steady = rows.Skip(Math.Max(1, rows.Count / 5)).ToList();
        double slope = steady.Count >= 2 ? Slope(steady.Select(r => r.Minutes / 60).ToArray(), steady.Select(r => r.RssMb).ToArray()) : 0;
        var fps = rows.Select(r => r.Fps).Order().ToArray();
        var drops = rows.Select(r => r.Dropped).Order().ToArray();
        long medianDrops = drops[drops.Length / 2];
        int spikes = rows.Count(r => r.Dropped >= Math.Max(5, 3 * medianDrops));
        return new SoakSummary(rows.Count, rows[^1].Minutes, rows[0].RssMb, rows[^1].RssMb, slope, fps[0], fps[fps.Length / 2], fps[^1], spikes, GC.CollectionCount(2));
    }

    private static double Slope(double[] x, double[] y)
    {
        double mx = x.Average(), my = y.Average(), sxx = 0, sxy = 0;
        for (int i = 0; i < x.Length; i++) { sxx += (x[i] - mx) * (x[i] - mx); sxy += (x[i] - mx) * (y[i] - my); }
        return sxx == 0 ? 0 : sxy / sxx;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stopped = true;
            _timer.Dispose();
            _writer.Dispose();
        }
    }
}
