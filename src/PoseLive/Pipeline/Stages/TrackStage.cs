using System.Diagnostics;
using PoseLive.Tracking;

namespace PoseLive.Pipeline.Stages;

/// <summary>
/// Associates each frame's poses with the tracks and smooths them in media time (the tracker it owns), and builds
/// the frame's result. With back-fill, each item also carries the people later frames confirmed for earlier ones,
/// and at the end of the stream (not after a stop) a last item, with no frame, carries the tracks nothing is left to
/// confirm.
/// </summary>
internal sealed class TrackStage(PoseTracker tracker, CancellationToken stopped) : FrameStage
{
    protected override StageWork Process(StageWork w)
    {
        var f = w.Frame!;
        var people = tracker.Update(f.Time, w.Poses);
        w.Backfill = tracker.Backfill;
        w.Times.TrackEnd = Stopwatch.GetTimestamp();
        w.Result = new FrameResult
        {
            FrameIndex = f.Index, Timestamp = f.Time, Width = f.Width, Height = f.Height,
            People = people, RawPoses = w.Poses, Detected = w.Detections is not null, Detections = w.Detections ?? [], Frame = f, Times = w.Times,
        };
        return w;
    }

    /// <summary>At the end of the stream (not after a stop: a resumed run must find the tracker as the journal left it).</summary>
    protected override StageWork? Finish() =>
        tracker.Options.Backfill && !stopped.IsCancellationRequested ? new StageWork { Backfill = tracker.ConfirmRemaining() } : null;
}
