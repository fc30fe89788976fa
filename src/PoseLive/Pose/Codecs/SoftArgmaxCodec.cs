namespace PoseLive.Pose.Codecs;

/// <summary>
/// LPN's β-soft-argmax: decode = expectation of the pixel grid under softmax(β·h) (β = 160), score = the
/// heatmap maximum; encode = unbiased Gaussian at x/stride (as DARK). Standard convention.
/// </summary>
public sealed class SoftArgmaxCodec(int inputWidth, int inputHeight, int heatmapWidth, int heatmapHeight, double sigma = 2.0, double beta = 160.0)
    : KeypointCodecBase(inputWidth, inputHeight, heatmapWidth, heatmapHeight)
{
    public double Sigma { get; } = sigma;
    public double Beta { get; } = beta;
    public override string Name => "soft-argmax";

    public override void Encode(ReadOnlySpan<Keypoint> keypoints, Span<float> target, Span<float> weights) =>
        EncodeGaussians(keypoints, target, weights, Sigma, quantize: false);

    public override void Decode(ReadOnlySpan<float> output, Span<Keypoint> keypoints)
    {
        int k = KeypointCount(output.Length, keypoints.Length);
        int w = HeatmapWidth;
        for (int j = 0; j < k; j++)
        {
            var map = output.Slice(j * Plane, Plane);
            float max = float.NegativeInfinity;
            foreach (var v in map) max = Math.Max(max, v);
            if (!(max > 0)) { keypoints[j] = Keypoint.Missing; continue; }
            double sum = 0, sx = 0, sy = 0;
            // weights below e^-40 (relative to the peak's 1) change nothing at double precision: skip their exp
            float floor = (float)(max - 40.0 / Beta);
            for (int i = 0; i < map.Length; i++)
            {
                if (map[i] < floor) continue;
                double p = Math.Exp(Beta * (map[i] - max)); // shifted by the max: no overflow
                sum += p;
                sx += p * (i % w);
                sy += p * (i / w);
            }
            keypoints[j] = new Keypoint((float)(sx / sum * StrideX), (float)(sy / sum * StrideY), max);
        }
    }
}
