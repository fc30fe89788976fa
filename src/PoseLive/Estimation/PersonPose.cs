using PoseLive.Detection;
using PoseLive.Pose;

namespace PoseLive.Estimation;

/// <summary>One person's pose: keypoints in image pixels with scores, the box it was estimated in, and an instance score.</summary>
public sealed record PersonPose(Keypoint[] Keypoints, BoundingBox Box, float BoxScore, float Score);

/// <summary>A top-down pose estimator: keypoints for each person box of a frame (all persons batched into one run).</summary>
public interface IPoseEstimator : IDisposable
{
    KeypointSchema Schema { get; }

    IReadOnlyList<PersonPose> Estimate(ReadOnlySpan<byte> rgb, int width, int height, int stride, IReadOnlyList<Detection.Detection> persons);
}
