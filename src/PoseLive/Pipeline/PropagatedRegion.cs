using PoseLive.Pose;

namespace PoseLive.Pipeline;

/// <summary>A person's region in the next frame from its keypoints: the confident keypoints' extent, widened as a detector box would be.</summary>
internal static class PropagatedRegion
{
    /// <summary>The region, clipped to the frame; null when fewer than two confident keypoints span it or it is under 2 px.</summary>
    public static BoundingBox? From(ReadOnlySpan<Keypoint> keypoints, float minScore, int width, int height)
    {
        if (BoundingBox.Around(keypoints, minScore) is not { } b || b.Width < 2 || b.Height < 2) return null;
        float padX = b.Width * 0.1f + 2, top = b.Height * 0.15f + 2, bottom = b.Height * 0.05f + 2;
        float x0 = Math.Max(0, b.X - padX), y0 = Math.Max(0, b.Y - top);
        float x1 = Math.Min(width, b.Right + padX), y1 = Math.Min(height, b.Bottom + bottom);
        if (x1 - x0 < 2 || y1 - y0 < 2) return null;
        return new BoundingBox(x0, y0, x1 - x0, y1 - y0);
    }
}
