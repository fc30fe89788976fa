using PoseLive.Detection;
using PoseLive.Pose;

namespace PoseLive.Estimation;

/// <summary>One person's pose: keypoints in image pixels with scores, the box it was estimated in, and an instance score.</summary>
public sealed record PersonPose(Keypoint[] Keypoints, BoundingBox Box, float BoxScore, float Score);

/// <summary>A top-down pose estimator: keypoints for each person box of a frame (all persons batched into one run).</summary>
public interface IPoseEstimator : IDisposable
{
    KeypointSchema Schema { get; }

    IReadOnlyList<PersonPose> Estimate(ReadOnlySpan<byte> rgb, int width, int height, int stride, IReadOnlyList<DetectedBox> persons);
}

/// <summary>Removes duplicate people (two boxes on one person) by OKS-NMS on the rescored poses.</summary>
public static class PoseDeduplication
{
    /// <summary>The poses kept, best score first; <paramref name="threshold"/> 0.9 is the top-down COCO setting.</summary>
    public static IReadOnlyList<PersonPose> Apply(IReadOnlyList<PersonPose> poses, ReadOnlySpan<double> sigmas, double threshold = 0.9)
    {
        if (poses.Count < 2) return poses;
        var predictions = poses.Select(p => new PosePrediction(p.Keypoints, p.BoxScore, p.Box.Area)).ToList();
        return OksNms.Suppress(predictions, poses.Select(p => p.Score).ToList(), sigmas, threshold).Select(i => poses[i]).ToList();
    }
}
