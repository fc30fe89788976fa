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

    public override void Encode(ReadOnlySpan<Keypoint> keypoints, Span<float> target, Span<float> weights)
    {
        int k = KeypointCount(target.Length, keypoints.Length);
        for (int j = 0; j < k; j++)
        {
            var map = target.Slice(j * Plane, Plane);
            var kp = keypoints[j];
            if (kp.IsMissing || kp.Score <= 0) { map.Clear(); weights[j] = 0; continue; }
            weights[j] = HeatmapMath.DrawGaussian(map, HeatmapWidth, HeatmapHeight, kp.X / StrideX, kp.Y / StrideY, Sigma) ? 1 : 0;
        }
    }

    public override void Decode(ReadOnlySpan<float> output, Span<Keypoint> keypoints)
    {
        int k = KeypointCount(output.Length, keypoints.Length);
        Span<float> work = Plane <= 8192 ? stackalloc float[Plane] : new float[Plane];
        Span<float> scratch = Plane <= 8192 ? stackalloc float[Plane] : new float[Plane];
        for (int j = 0; j < k; j++)
        {
            var map = output.Slice(j * Plane, Plane);
            var (px, py, max) = HeatmapMath.Argmax(map, HeatmapWidth);
            if (!(max > 0)) { keypoints[j] = Keypoint.Missing; continue; }
            var (x, y) = Refine(map, px, py, work, scratch);
            keypoints[j] = new Keypoint((float)(x * StrideX), (float)(y * StrideY), max);
        }
    }

    /// <summary>DARK refinement of the argmax (px, py) of <paramref name="map"/>, in heatmap pixels.</summary>
    internal (double X, double Y) Refine(ReadOnlySpan<float> map, int px, int py, Span<float> work, Span<float> scratch)
    {
        map.CopyTo(work);
        HeatmapMath.BlurPreservingMax(work, HeatmapWidth, HeatmapHeight, BlurKernel, scratch);
        for (int i = 0; i < work.Length; i++) work[i] = MathF.Log(Math.Max(work[i], 1e-10f));
        return HeatmapMath.TaylorRefine(work, HeatmapWidth, HeatmapHeight, px, py);
    }
}
