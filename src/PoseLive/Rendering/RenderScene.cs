using PoseLive.Pose;
using PoseLive.Pose.Geometry;

namespace PoseLive.Rendering;

/// <summary>A heatmap to overlay: values (0..1, row-major W×H, e.g. the max over keypoints) and where the crop lies in the image.</summary>
public sealed record PersonHeatmap(float[] Values, int Width, int Height, Affine2D InputToImage, int InputWidth, int InputHeight);

/// <summary>One person to draw: colour slot (the track id), keypoints and box in image pixels, score, optional heatmap.</summary>
public sealed record RenderPerson(int ColorIndex, Keypoint[] Keypoints, BoundingBox Box, float Score, PersonHeatmap? Heatmap = null);

/// <summary>What to draw on a frame, and which layers are on (the window's keys toggle them).</summary>
public sealed record RenderScene(IReadOnlyList<RenderPerson> People)
{
    public IReadOnlyList<BoundingBox> DetectorBoxes { get; init; } = [];
    public bool ShowSkeletons { get; init; } = true;
    public bool ShowBoxes { get; init; } = true;
    public bool ShowHeatmaps { get; init; } = true;
    public bool ShowDetectorBoxes { get; init; }
    public float MinKeypointScore { get; init; } = 0.3f;
}
