namespace PoseLive.Pose.Codecs;

/// <summary>
/// SimpleBaseline/HRNet (MSRA) Gaussian heatmaps. Encode: the centre is quantised to
/// int(x/stride + 0.5) and a Gaussian of peak 1 drawn in a (6σ+1) window. Decode: argmax, then a
/// quarter-pixel step towards the larger neighbour (only when 1 &lt; px &lt; W−1 and 1 &lt; py &lt; H−1);
/// a maximum ≤ 0 means missing. Heatmap → input: × input/heatmap. Known bias: up to 0.25 heatmap px.
/// </summary>
public sealed class MsraHeatmapCodec(int inputWidth, int inputHeight, int heatmapWidth, int heatmapHeight, double sigma = 2.0)
    : KeypointCodecBase(inputWidth, inputHeight, heatmapWidth, heatmapHeight)
{
    public double Sigma { get; } = sigma;
    public override string Name => "msra";

    public override void Encode(ReadOnlySpan<Keypoint> keypoints, Span<float> target, Span<float> weights) =>
        EncodeGaussians(keypoints, target, weights, Sigma, quantize: true);

    public override void Decode(ReadOnlySpan<float> output, Span<Keypoint> keypoints)
    {
        int k = KeypointCount(output.Length, keypoints.Length);
        int w = HeatmapWidth, h = HeatmapHeight;
        for (int j = 0; j < k; j++)
        {
            var map = output.Slice(j * Plane, Plane);
            var (px, py, max) = HeatmapMath.Argmax(map, w);
            if (!(max > 0)) { keypoints[j] = Keypoint.Missing; continue; }
            double x = px, y = py;
            if (1 < px && px < w - 1 && 1 < py && py < h - 1)
            {
                x += 0.25 * Math.Sign(map[py * w + px + 1] - map[py * w + px - 1]);
                y += 0.25 * Math.Sign(map[(py + 1) * w + px] - map[(py - 1) * w + px]);
            }
            keypoints[j] = new Keypoint((float)(x * StrideX), (float)(y * StrideY), max);
        }
    }
}
