using PoseLive.Pose.Geometry;

namespace PoseLive.Pose.Codecs;

/// <summary>
/// UDP (unbiased data processing), combined target: per keypoint a classification disc of radius
/// <see cref="Radius"/> heatmap px plus x/y offset maps (μ − p)/radius. Unit-length convention: input →
/// heatmap scales by (W_hm − 1)/(W_in − 1). Decode: blur the disc map, argmax, add the offsets read there.
/// Channels per keypoint: [disc, offset x, offset y]. Exact round trip; no flip shift needed.
/// </summary>
public sealed class UdpCodec(int inputWidth, int inputHeight, int heatmapWidth, int heatmapHeight, double radius = 4.0, int blurKernel = 11)
    : KeypointCodecBase(inputWidth, inputHeight, heatmapWidth, heatmapHeight)
{
    public double Radius { get; } = radius;
    public int BlurKernel { get; } = blurKernel;
    public override string Name => "udp";
    public override int ChannelsPerKeypoint => 3;
    public override CropConvention Convention => CropConvention.UnbiasedDataProcessing;

    /// <summary>Input pixels per heatmap pixel: (W_in − 1)/(W_hm − 1).</summary>
    public double UnitX => (InputWidth - 1.0) / (HeatmapWidth - 1.0);
    public double UnitY => (InputHeight - 1.0) / (HeatmapHeight - 1.0);

    public override void Encode(ReadOnlySpan<Keypoint> keypoints, Span<float> target, Span<float> weights)
    {
        int k = KeypointCount(target.Length, keypoints.Length);
        int w = HeatmapWidth, h = HeatmapHeight;
        for (int j = 0; j < k; j++)
        {
            var disc = target.Slice(3 * j * Plane, Plane);
            var offX = target.Slice((3 * j + 1) * Plane, Plane);
            var offY = target.Slice((3 * j + 2) * Plane, Plane);
            var kp = keypoints[j];
            if (kp.IsMissing || kp.Score <= 0) { target.Slice(3 * j * Plane, 3 * Plane).Clear(); weights[j] = 0; continue; }
            double mx = kp.X / UnitX, my = kp.Y / UnitY;
            bool any = false;
            for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int i = y * w + x;
                double ox = (mx - x) / Radius, oy = (my - y) / Radius;
                bool inside = ox * ox + oy * oy <= 1;
                disc[i] = inside ? 1 : 0;
                offX[i] = (float)ox;
                offY[i] = (float)oy;
                any |= inside;
            }
            weights[j] = any ? 1 : 0;
        }
    }

    public override void Decode(ReadOnlySpan<float> output, Span<Keypoint> keypoints)
    {
        int k = KeypointCount(output.Length, keypoints.Length);
        Span<float> work = Plane <= 8192 ? stackalloc float[Plane] : new float[Plane];
        Span<float> scratch = Plane <= 8192 ? stackalloc float[Plane] : new float[Plane];
        for (int j = 0; j < k; j++)
        {
            output.Slice(3 * j * Plane, Plane).CopyTo(work);
            HeatmapMath.BlurPreservingMax(work, HeatmapWidth, HeatmapHeight, BlurKernel, scratch);
            var (px, py, max) = HeatmapMath.Argmax(work, HeatmapWidth);
            if (!(max > 0)) { keypoints[j] = Keypoint.Missing; continue; }
            int i = py * HeatmapWidth + px;
            double x = px + output[(3 * j + 1) * Plane + i] * Radius;
            double y = py + output[(3 * j + 2) * Plane + i] * Radius;
            keypoints[j] = new Keypoint((float)(x * UnitX), (float)(y * UnitY), max);
        }
    }
}
