using System.Diagnostics;
using System.Globalization;

namespace PoseLive.Pipeline;

/// <summary>
/// Metrics of a run: frames in/out/dropped, throughput, and per-stage latency distributions (detect,
/// pose, track, source-to-output) in milliseconds, kept as histograms (<see cref="LatencyHistogram"/>: fixed memory,
/// nothing allocated per frame). Thread-safe; read a <see cref="Snapshot"/> at any time.
/// </summary>
public sealed class PipelineMetrics
{
    private readonly object _lock = new();
    private readonly LatencyHistogram _detect = new(), _pose = new(), _track = new(), _endToEnd = new();
    private readonly long _started = Stopwatch.GetTimestamp();
    private long _framesIn, _framesOut, _dropped, _detections, _people, _extrapolated;

    public void FrameDecoded() => Interlocked.Increment(ref _framesIn);
    public void FrameDropped() => Interlocked.Increment(ref _dropped);

    /// <summary>
    /// A frame reached the sinks with <paramref name="people"/> tracked, <paramref name="extrapolated"/> of them carried by
    /// the tracker instead of estimated. <paramref name="detected"/>: the detector ran on this frame inside the frame path
    /// (offline); the live detector runs beside it and reports through <see cref="DetectionDone"/>.
    /// </summary>
    public void FrameDone(in StageTimes t, bool detected, int people, int extrapolated = 0)
    {
        lock (_lock)
        {
            _framesOut++;
            _people += people;
            _extrapolated += extrapolated;
            if (detected) { _detections++; _detect.Add(Ms(t.DetectStart, t.DetectEnd)); }
            _pose.Add(Ms(t.PoseStart, t.PoseEnd));
            _track.Add(Ms(t.PoseEnd, t.TrackEnd));
            _endToEnd.Add(Ms(t.Decoded, t.SinkEnd));
        }
    }

    /// <summary>The detector finished a run beside the frame path (live), started and ended at these Stopwatch ticks.</summary>
    public void DetectionDone(long start, long end)
    {
        lock (_lock)
        {
            _detections++;
            _detect.Add(Ms(start, end));
        }
    }

    private static double Ms(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;

    /// <summary><see cref="ExtrapolatedShare"/>: of the people reported, the share carried by the tracker rather than estimated.</summary>
    public sealed record Summary(long FramesIn, long FramesOut, long Dropped, long Detections, double Seconds, double Fps, double MeanPeople,
        (double P50, double P99) Detect, (double P50, double P99) Pose, (double P50, double P99) Track, (double P50, double P99) EndToEnd,
        double ExtrapolatedShare = 0)
    {
        public override string ToString() => string.Format(CultureInfo.InvariantCulture,
            "{0} frame{14} in {1:F1} s ({2:F1} fps), {3} dropped, detector on {4} frame{15}, {5:F1} poses/frame{16}; latency ms p50/p99: detect {6:F1}/{7:F1}, pose {8:F1}/{9:F1}, track {10:F2}/{11:F2}, source→output {12:F1}/{13:F1}",
            FramesOut, Seconds, Fps, Dropped, Detections, MeanPeople, Detect.P50, Detect.P99, Pose.P50, Pose.P99, Track.P50, Track.P99, EndToEnd.P50, EndToEnd.P99,
            FramesOut == 1 ? "" : "s", Detections == 1 ? "" : "s",
            ExtrapolatedShare > 0 ? string.Format(CultureInfo.InvariantCulture, " ({0:F1} % extrapolated)", 100 * ExtrapolatedShare) : "");
    }

    public Summary Snapshot()
    {
        lock (_lock)
        {
            double seconds = Stopwatch.GetElapsedTime(_started).TotalSeconds;
            return new Summary(Interlocked.Read(ref _framesIn), _framesOut, Interlocked.Read(ref _dropped), _detections, seconds,
                seconds > 0 ? _framesOut / seconds : 0, _framesOut > 0 ? (double)_people / _framesOut : 0,
                Percentiles(_detect), Percentiles(_pose), Percentiles(_track), Percentiles(_endToEnd), _people > 0 ? (double)_extrapolated / _people : 0);
        }
    }

    private static (double, double) Percentiles(LatencyHistogram values) => (values.Quantile(0.5), values.Quantile(0.99));
}
