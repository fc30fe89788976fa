using PoseLive.Pose;
using PoseLive.Estimation;

namespace PoseLive.Rendering;

/// <summary>
/// One person to draw: colour slot (the track id), keypoints and box in image pixels, score, optional heatmap.
/// <paramref name="Extrapolated"/>: carried by the tracker, not estimated in this frame — drawn faint, so it reads as a guess.
/// </summary>
public sealed record RenderPerson(int ColorIndex, Keypoint[] Keypoints, BoundingBox Box, float Score, PersonHeatmap? Heatmap = null, bool Extrapolated = false);

/// <summary>What to draw on a frame, and which layers are on (the window's keys toggle them).</summary>
public sealed record RenderScene(IReadOnlyList<RenderPerson> People)
{
    public IReadOnlyList<BoundingBox> DetectorBoxes { get; init; } = [];
    public bool ShowSkeletons { get; init; } = true;
    public bool ShowBoxes { get; init; } = true;
    public bool ShowHeatmaps { get; init; } = true;
    public bool ShowDetectorBoxes { get; init; }
    /// <summary>Each person's track id in its colour above its box (the live window).</summary>
    public bool ShowTrackIds { get; init; }
    /// <summary>Lines of text drawn top-left over a dark backdrop (the live window's HUD).</summary>
    public IReadOnlyList<string> Hud { get; init; } = [];
    public float MinKeypointScore { get; init; } = 0.3f;
}
