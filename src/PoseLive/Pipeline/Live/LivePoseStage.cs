using System.Diagnostics;
using PoseLive.Detection;
using PoseLive.Estimation;
using PoseLive.Media;
using PoseLive.Tracking;

namespace PoseLive.Pipeline.Live;

/// <summary>A decoded live frame and the wall-clock instant (Stopwatch ticks) the source released it.</summary>
internal readonly record struct LiveFrame(VideoFrame Frame, long Decoded);

/// <summary>
/// The live pose stage, on its own thread: for the newest frame, merges the detector's latest boxes (at the time of
/// the frame they were found on), plans the regions within the pose budget (<see cref="RegionScheduler"/>), runs the
/// pose net on them as one batch, updates the tracker (the people left out extrapolated), asks the detector for a
/// look when due, and hands the frame's result to the sinks. Owns the tracker and the scheduling state. Each result is
/// written into storage rented from <paramref name="results"/> (poses, people, boxes), so a frame allocates nothing.
/// </summary>
internal sealed class LivePoseStage(IPoseEstimator estimator, LiveDetectStage detect, LiveOptions options, double frameInterval, LiveResultPool results)
{
    private readonly PoseTracker _tracker = new(options.Tracker);
    private readonly RegionScheduler _scheduler = new(options);
    private readonly PoseBudget _budget = new(options.PoseBudgetMs ?? 0.8 * 1000 * frameInterval);
    private readonly List<TrackRegion> _regions = [];
    private readonly List<DetectedBox> _boxes = [];
    private readonly List<long> _keys = [];
    private readonly HashSet<long> _extrapolate = [];
    private readonly List<DetectedBox> _lastDetections = [];
    private int[] _dedupe = [];
    private long _frames, _lastRequest = long.MinValue / 2;

    /// <summary>Processes frames from <paramref name="input"/> until it completes; each result goes to <paramref name="output"/>.</summary>
    public void Run(DropOldestQueue<LiveFrame> input, DropOldestQueue<LiveResult> output)
    {
        while (input.TryTake(out var item))
        {
            var result = results.Rent();
            try { Process(item, result); }
            catch
            {
                item.Frame.Dispose();                                   // not yet the result's
                results.Return(result);
                throw;
            }
            if (!output.TryWrite(result)) results.Return(result);       // the sinks stopped
        }
    }

    private void Process(LiveFrame item, LiveResult into)
    {
        var frame = item.Frame;
        var time = frame.Time;
        var times = new StageTimes { Decoded = item.Decoded };
        bool detected = false;
        if (detect.TryTake(out var batch))
        {
            _scheduler.Merge(batch.Time, batch.Boxes, _tracker);
            _lastDetections.Clear();
            _lastDetections.AddRange(batch.Boxes);
            detect.Recycle(batch);
            detected = true;
        }
        _tracker.Regions(time, _regions);
        _scheduler.Plan(time, _regions, _budget.People, frame.Width, frame.Height, _boxes, _keys, _extrapolate);
        times.PoseStart = Stopwatch.GetTimestamp();
        estimator.Estimate(frame.Plane(0), frame.Width, frame.Height, frame.Stride, _boxes, into.Estimates);
        times.PoseEnd = Stopwatch.GetTimestamp();
        if (_boxes.Count > 0) _budget.Observe((times.PoseEnd - times.PoseStart) * 1000.0 / Stopwatch.Frequency, _boxes.Count);
        var kept = into.Kept;
        PoseDeduplication.Apply(into.Estimates.Poses, estimator.Schema.Sigmas, kept, ref _dedupe);
        _tracker.Update(time, kept, _extrapolate, into.People);
        times.TrackEnd = Stopwatch.GetTimestamp();

        bool empty = false;
        for (int i = 0; i < kept.Count; i++) if (kept[i].Score < _tracker.Options.MinScore) { empty = true; break; }
        bool due = _frames - _lastRequest >= Math.Max(1, options.DetectorInterval);
        bool early = _frames - _lastRequest >= options.MinDetectorGap
            && (_tracker.LostTrackRecently || empty || kept.Count < _boxes.Count || _regions.Count == 0);
        if ((due || early) && !detect.InFlight)
        {
            detect.Request();
            _lastRequest = _frames;
        }
        _frames++;
        into.Detections.AddRange(_lastDetections);                       // the result's own copy: the stage's list changes on the next look
        into.Result.Set(frame.Index, time, frame.Width, frame.Height, into.People.People, kept, detected, into.Detections, frame, times);
    }
}
