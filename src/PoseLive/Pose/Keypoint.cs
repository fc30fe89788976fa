namespace PoseLive.Pose;

/// <summary>
/// One keypoint: position (pixels of whatever frame the context names: heatmap, network input or image)
/// and a confidence. A keypoint the decoder could not find is explicit: <see cref="Missing"/>
/// (NaN position, score 0), never a point at the origin.
/// </summary>
public readonly record struct Keypoint(float X, float Y, float Score)
{
    public static Keypoint Missing => new(float.NaN, float.NaN, 0f);

    public bool IsMissing => float.IsNaN(X) || float.IsNaN(Y);

    public override string ToString() => IsMissing ? "missing" : $"({X:0.###}, {Y:0.###}) s={Score:0.###}";
}

/// <summary>An axis-aligned box in pixels: top-left corner and size.</summary>
public readonly record struct BoundingBox(float X, float Y, float Width, float Height)
{
    public float Area => Math.Max(0, Width) * Math.Max(0, Height);
    public float CenterX => X + Width / 2;
    public float CenterY => Y + Height / 2;
    public float Right => X + Width;
    public float Bottom => Y + Height;

    /// <summary>Intersection over union with another box.</summary>
    public float IoU(BoundingBox other)
    {
        float ix = Math.Max(0, Math.Min(Right, other.Right) - Math.Max(X, other.X));
        float iy = Math.Max(0, Math.Min(Bottom, other.Bottom) - Math.Max(Y, other.Y));
        float inter = ix * iy;
        float union = Area + other.Area - inter;
        return union <= 0 ? 0 : inter / union;
    }

    /// <summary>The tight box around the present keypoints whose score exceeds <paramref name="minScore"/>; null if none.</summary>
    public static BoundingBox? Around(ReadOnlySpan<Keypoint> keypoints, float minScore = 0f)
    {
        float x0 = float.MaxValue, y0 = float.MaxValue, x1 = float.MinValue, y1 = float.MinValue;
        bool any = false;
        foreach (var k in keypoints)
        {
            if (k.IsMissing || k.Score <= minScore) continue;
            any = true;
            x0 = Math.Min(x0, k.X); y0 = Math.Min(y0, k.Y); x1 = Math.Max(x1, k.X); y1 = Math.Max(y1, k.Y);
        }
        return any ? new BoundingBox(x0, y0, x1 - x0, y1 - y0) : null;
    }
}
