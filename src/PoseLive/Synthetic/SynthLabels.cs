using System.Numerics;
using PoseLive.Pose;

namespace PoseLive.Synthetic;

/// <summary>
/// The labels of one rendered animal: per landmark its projected pixel position (through the exact camera the image
/// was rendered with), eye depth and visibility (inside the frame and not hidden: its depth at most the depth buffer's
/// there plus a tolerance, as CC-SSL's |z_render − z| test), the silhouette box and area from the rendered mask.
/// </summary>
public sealed class SynthLabels
{
    public required Vector2[] Points { get; init; }
    public required float[] Depths { get; init; }
    public required bool[] Visible { get; init; }
    public required BoundingBox Box { get; init; }
    /// <summary>Silhouette pixels.</summary>
    public required int Area { get; init; }

    public int VisibleCount => Visible.Count(v => v);

    /// <summary>
    /// Labels <paramref name="landmarks"/> seen by <paramref name="camera"/> against the rendered <paramref name="depth"/>
    /// buffer and the silhouette in <paramref name="rgba"/>'s alpha; <paramref name="tolerance"/> in metres.
    /// </summary>
    public static SynthLabels Compute(ReadOnlySpan<Vector3> landmarks, SynthCamera camera, ReadOnlySpan<float> depth, ReadOnlySpan<byte> rgba, float tolerance)
    {
        int w = camera.Width, h = camera.Height;
        var points = new Vector2[landmarks.Length];
        var depths = new float[landmarks.Length];
        var visible = new bool[landmarks.Length];
        for (int i = 0; i < landmarks.Length; i++)
        {
            var (x, y, d) = camera.Project(landmarks[i]);
            points[i] = new Vector2(x, y);
            depths[i] = d;
            if (d <= SynthCamera.Near || !camera.Inside(x, y)) continue;
            int col = Math.Clamp((int)MathF.Round(x), 0, w - 1), row = Math.Clamp((int)MathF.Round(y), 0, h - 1);
            float surface = SynthCamera.LinearDepth(depth[row * w + col]);
            visible[i] = d <= surface + tolerance;
        }
        int x0 = w, y0 = h, x1 = -1, y1 = -1, area = 0;
        for (int row = 0; row < h; row++)
        {
            var line = rgba.Slice(row * w * 4, w * 4);
            for (int col = 0; col < w; col++)
            {
                if (line[col * 4 + 3] < 128) continue;
                area++;
                if (col < x0) x0 = col;
                if (col > x1) x1 = col;
                if (row < y0) y0 = row;
                if (row > y1) y1 = row;
            }
        }
        // pixel centres are integers: the silhouette's pixels span [x0 − ½, x1 + ½]
        var box = area == 0 ? new BoundingBox(0, 0, 0, 0) : new BoundingBox(x0 - 0.5f, y0 - 0.5f, x1 - x0 + 1, y1 - y0 + 1);
        return new SynthLabels { Points = points, Depths = depths, Visible = visible, Box = box, Area = area };
    }

    /// <summary>COCO keypoint triplets: visible (x, y, 2); otherwise (0, 0, 0) as COCO writes unlabelled points.</summary>
    public float[] CocoKeypoints()
    {
        var k = new float[Points.Length * 3];
        for (int i = 0; i < Points.Length; i++)
            if (Visible[i]) (k[3 * i], k[3 * i + 1], k[3 * i + 2]) = (Round(Points[i].X), Round(Points[i].Y), 2);
        return k;
    }

    /// <summary>Every landmark's projection and eye depth (x, y, depth), hidden or not — for temporal work and checks.</summary>
    public float[] Projected()
    {
        var k = new float[Points.Length * 3];
        for (int i = 0; i < Points.Length; i++) (k[3 * i], k[3 * i + 1], k[3 * i + 2]) = (Round(Points[i].X), Round(Points[i].Y), Round(Depths[i]));
        return k;
    }

    private static float Round(float v) => float.IsFinite(v) ? MathF.Round(v, 3) : 0;
}
