using PoseLive.Estimation;
using PoseLive.Pose;

namespace PoseLive.Rendering;

/// <summary>
/// Draws boxes and skeletons onto a packed RGB24 image on the CPU (for stills; the live window and
/// rendered videos use the GL renderer). Keypoints below <see cref="MinScore"/> are not drawn.
/// </summary>
public sealed class CpuOverlay(KeypointSchema schema)
{
    public float MinScore { get; init; } = 0.3f;

    /// <summary>Distinct colours per person (track) index.</summary>
    public static (byte R, byte G, byte B) ColorFor(int index)
    {
        ReadOnlySpan<byte> palette = [230, 25, 75, 60, 180, 75, 255, 225, 25, 0, 130, 200, 245, 130, 48, 145, 30, 180, 70, 240, 240, 240, 50, 230, 210, 245, 60, 250, 190, 212];
        int i = (index % 10) * 3;
        return (palette[i], palette[i + 1], palette[i + 2]);
    }

    public void Draw(Span<byte> rgb, int width, int height, int stride, IReadOnlyList<PersonPose> people)
    {
        for (int p = 0; p < people.Count; p++)
        {
            var color = ColorFor(p);
            var person = people[p];
            var b = person.Box;
            Line(rgb, width, height, stride, b.X, b.Y, b.Right, b.Y, 1, color);
            Line(rgb, width, height, stride, b.Right, b.Y, b.Right, b.Bottom, 1, color);
            Line(rgb, width, height, stride, b.Right, b.Bottom, b.X, b.Bottom, 1, color);
            Line(rgb, width, height, stride, b.X, b.Bottom, b.X, b.Y, 1, color);
            foreach (var (a, c) in schema.Skeleton)
            {
                var ka = person.Keypoints[a];
                var kc = person.Keypoints[c];
                if (ka.IsMissing || kc.IsMissing || ka.Score < MinScore || kc.Score < MinScore) continue;
                Line(rgb, width, height, stride, ka.X, ka.Y, kc.X, kc.Y, 2, color);
            }
            foreach (var k in person.Keypoints)
                if (!k.IsMissing && k.Score >= MinScore) Disc(rgb, width, height, stride, k.X, k.Y, 3, (255, 255, 255), color);
        }
    }

    private static void Put(Span<byte> rgb, int width, int height, int stride, int x, int y, (byte R, byte G, byte B) c)
    {
        if ((uint)x >= (uint)width || (uint)y >= (uint)height) return;
        int i = y * stride + x * 3;
        rgb[i] = c.R; rgb[i + 1] = c.G; rgb[i + 2] = c.B;
    }

    private static void Line(Span<byte> rgb, int width, int height, int stride, float x0, float y0, float x1, float y1, int radius, (byte, byte, byte) c)
    {
        float len = MathF.Max(MathF.Abs(x1 - x0), MathF.Abs(y1 - y0));
        int steps = Math.Max(1, (int)MathF.Ceiling(len));
        if (steps > 20000) return; // a degenerate box far outside the image
        for (int s = 0; s <= steps; s++)
        {
            float t = (float)s / steps;
            int x = (int)MathF.Round(x0 + (x1 - x0) * t), y = (int)MathF.Round(y0 + (y1 - y0) * t);
            for (int dy = -radius + 1; dy < radius; dy++)
                for (int dx = -radius + 1; dx < radius; dx++) Put(rgb, width, height, stride, x + dx, y + dy, c);
            if (radius == 1) Put(rgb, width, height, stride, x, y, c);
        }
    }

    private static void Disc(Span<byte> rgb, int width, int height, int stride, float cx, float cy, int r, (byte, byte, byte) border, (byte, byte, byte) fill)
    {
        int x0 = (int)MathF.Round(cx), y0 = (int)MathF.Round(cy);
        for (int dy = -r; dy <= r; dy++)
            for (int dx = -r; dx <= r; dx++)
            {
                int d2 = dx * dx + dy * dy;
                if (d2 > r * r) continue;
                Put(rgb, width, height, stride, x0 + dx, y0 + dy, d2 >= (r - 1) * (r - 1) ? border : fill);
            }
    }
}
