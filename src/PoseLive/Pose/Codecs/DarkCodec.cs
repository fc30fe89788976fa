namespace PoseLive.Pose.Codecs;

/// <summary>
/// DARK (distribution-aware): unbiased encoding (Gaussian at the float centre x/stride) and decoding by
/// blur (kernel <see cref="BlurKernel"/>, 11 for 64×48), log, and one Newton step from the argmax.
/// Exact (to float precision) on ideal Gaussians away from the border. Standard convention.
/// </summary>
public sealed class DarkCodec(int inputWidth, int inputHeight, int heatmapWidth, int heatmapHeight, double sigma = 2.0, int blurKernel = 11)
    : KeypointCodecBase(inputWidth, inputHeight, heatmapWidth, heatmapHeight)
{
    public double Sigma { get; } = sigma;
    public int BlurKernel { get; } = blurKernel;
    public override string Name => "dark";

    public override void Encode(ReadOnlySpan<Keypoint> keypoints, Span<float> target, Span<float> weights) =>
        EncodeGaussians(keypoints, target, weights, Sigma, quantize: false);

    private float[]? _kernel;

    public override void Decode(ReadOnlySpan<float> output, Span<Keypoint> keypoints)
    {
        int k = KeypointCount(output.Length, keypoints.Length);
        for (int j = 0; j < k; j++)
        {
            var map = output.Slice(j * Plane, Plane);
            var (px, py, max) = HeatmapMath.Argmax(map, HeatmapWidth);
            if (!(max > 0)) { keypoints[j] = Keypoint.Missing; continue; }
            var (x, y) = Refine(map, px, py);
            keypoints[j] = new Keypoint((float)(x * StrideX), (float)(y * StrideY), max);
        }
    }

    /// <summary>
    /// DARK refinement of the argmax (px, py) of <paramref name="map"/>, in heatmap pixels: blur, log,
    /// Newton step. Only the 5×5 neighbourhood the derivatives read is blurred; DARK's rescaling to the
    /// original maximum multiplies the map by a constant, which adds a constant to the log and leaves
    /// every derivative unchanged, so it is skipped.
    /// </summary>
    internal (double X, double Y) Refine(ReadOnlySpan<float> map, int px, int py)
    {
        _kernel ??= HeatmapMath.GaussianKernel(BlurKernel);
        int w = HeatmapWidth, h = HeatmapHeight;
        if (!(1 < px && px < w - 2 && 1 < py && py < h - 2)) return (px, py);
        Span<float> local = stackalloc float[25]; // log of the blurred map on [px−2, px+2] × [py−2, py+2]
        for (int dy = -2; dy <= 2; dy++)
        for (int dx = -2; dx <= 2; dx++)
            local[(dy + 2) * 5 + dx + 2] = MathF.Log(Math.Max(HeatmapMath.BlurredAt(map, w, h, px + dx, py + dy, _kernel), 1e-10f));
        var (x, y) = HeatmapMath.TaylorRefine(local, 5, 5, 2, 2, checkBorder: false);
        return (px + (x - 2), py + (y - 2));
    }
}
