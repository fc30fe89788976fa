using PoseLive.Inference;
using PoseLive.Detection;
using PoseLive.Pose;

namespace PoseLive.Estimation;

/// <summary>One person's pose: keypoints in image pixels with scores, the box it was estimated in, and an instance score.</summary>
public sealed record PersonPose(Keypoint[] Keypoints, BoundingBox Box, float BoxScore, float Score)
{
    /// <summary>The network's heatmap for this person (when the estimator captures them), for display.</summary>
    public PersonHeatmap? Heatmap { get; init; }
}

/// <summary>A heatmap to show: values (0..1, row-major W×H, e.g. the max over keypoints) and where its crop lies in the image.</summary>
public sealed record PersonHeatmap(float[] Values, int Width, int Height, PoseLive.Pose.Geometry.Affine2D InputToImage, int InputWidth, int InputHeight)
{
    /// <summary>The maximum over keypoint channels of a [K, H, W] block.</summary>
    public static float[] MaxOverKeypoints(ReadOnlySpan<float> heatmaps, int keypoints, int plane)
    {
        var max = heatmaps[..plane].ToArray();
        for (int k = 1; k < keypoints; k++)
        {
            var h = heatmaps.Slice(k * plane, plane);
            for (int i = 0; i < plane; i++) if (h[i] > max[i]) max[i] = h[i];
        }
        return max;
    }
}

/// <summary>A top-down pose estimator: keypoints for each person box of a frame (all persons batched into one run).</summary>
public interface IPoseEstimator : IDisposable
{
    KeypointSchema Schema { get; }

    /// <summary>Where the pose net runs (the execution provider its session resolved to).</summary>
    ExecutionProvider Provider { get; }

    /// <summary>Attach each person's heatmap to its result (for the renderer's heatmap layer).</summary>
    bool CaptureHeatmaps { get; set; }

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
