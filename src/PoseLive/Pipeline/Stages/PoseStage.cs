using System.Diagnostics;
using PoseLive.Detection;
using PoseLive.Estimation;

namespace PoseLive.Pipeline.Stages;

/// <summary>
/// Estimates poses in the detector's boxes, or, on frames without a detection, in boxes propagated from the previous
/// frame's keypoints (<see cref="PropagatedRegion"/>); duplicates are removed. Owns the previous frame's poses.
/// </summary>
internal sealed class PoseStage(IPoseEstimator estimator, float propagationMinScore, IReadOnlyList<PersonPose> previous) : FrameStage
{
    private IReadOnlyList<PersonPose> _previous = previous;

    protected override StageWork Process(StageWork w)
    {
        var f = w.Frame!;
        w.Times.PoseStart = Stopwatch.GetTimestamp();
        var boxes = w.Detections ?? Propagate(f.Width, f.Height);
        w.Poses = PoseDeduplication.Apply(estimator.Estimate(f.Plane(0), f.Width, f.Height, f.Stride, boxes), estimator.Schema.Sigmas);
        _previous = w.Poses;
        w.Times.PoseEnd = Stopwatch.GetTimestamp();
        return w;
    }

    private List<DetectedBox> Propagate(int width, int height)
    {
        var boxes = new List<DetectedBox>(_previous.Count);
        foreach (var p in _previous)
            if (PropagatedRegion.From(p.Keypoints, propagationMinScore, width, height) is { } box) boxes.Add(new DetectedBox(box, p.BoxScore, 0));
        return boxes;
    }
}
