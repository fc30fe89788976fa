namespace PoseLive.Pose.Codecs;

/// <summary>
/// Heatmap + offset regression (G-RMI / MoveNet style): per keypoint a Gaussian heatmap at the nearest
/// cell and x/y offset maps holding μ − p (heatmap px) within <see cref="Radius"/> of μ. Decode: argmax of
/// the heatmap plus the offset read there. Channels per keypoint: [heatmap, offset x, offset y].
/// Standard convention (× input/heatmap).
/// </summary>
public sealed class RegressionOffsetCodec(int inputWidth, int inputHeight, int heatmapWidth, int heatmapHeight, double sigma = 2.0, double radius = 3.0)
    : KeypointCodecBase(inputWidth, inputHeight, heatmapWidth, heatmapHeight)
{
    public double Sigma { get; } = sigma;
    public double Radius { get; } = radius;
    public override string Name => "regression-offset";
    public override int ChannelsPerKeypoint => 3;

    public override void Encode(ReadOnlySpan<Keypoint> keypoints, Span<float> target, Span<float> weights)
    {
        int k = KeypointCount(target.Length, keypoints.Length);
        int w = HeatmapWidth, h = HeatmapHeight;
        for (int j = 0; j < k; j++)
        {
            var heat = target.Slice(3 * j * Plane, Plane);
            var offX = target.Slice((3 * j + 1) * Plane, Plane);
            var offY = target.Slice((3 * j + 2) * Plane, Plane);
            offX.Clear();
            offY.Clear();
            var kp = keypoints[j];
            if (kp.IsMissing || kp.Score <= 0) { heat.Clear(); weights[j] = 0; continue; }
            double mx = kp.X / StrideX, my = kp.Y / StrideY;
            weights[j] = HeatmapMath.DrawGaussian(heat, w, h, Math.Floor(mx + 0.5), Math.Floor(my + 0.5), Sigma) ? 1 : 0;
            for (int y = Math.Max(0, (int)Math.Floor(my - Radius)); y <= Math.Min(h - 1, (int)Math.Ceiling(my + Radius)); y++)
            for (int x = Math.Max(0, (int)Math.Floor(mx - Radius)); x <= Math.Min(w - 1, (int)Math.Ceiling(mx + Radius)); x++)
            {
                if ((x - mx) * (x - mx) + (y - my) * (y - my) > Radius * Radius) continue;
                offX[y * w + x] = (float)(mx - x);
                offY[y * w + x] = (float)(my - y);
            }
        }
    }

    public override void Decode(ReadOnlySpan<float> output, Span<Keypoint> keypoints)
    {
        int k = KeypointCount(output.Length, keypoints.Length);
        for (int j = 0; j < k; j++)
        {
            var (px, py, max) = HeatmapMath.Argmax(output.Slice(3 * j * Plane, Plane), HeatmapWidth);
            if (!(max > 0)) { keypoints[j] = Keypoint.Missing; continue; }
            int i = py * HeatmapWidth + px;
            double x = px + output[(3 * j + 1) * Plane + i], y = py + output[(3 * j + 2) * Plane + i];
            keypoints[j] = new Keypoint((float)(x * StrideX), (float)(y * StrideY), max);
        }
    }
}
