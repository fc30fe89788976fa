using PoseLive.Pose.Geometry;

namespace PoseLive.Training.Data;

/// <summary>
/// The photometric half of the CC-SSL augmentation, on the warped crop in pixel units before normalisation:
/// contrast about the crop's mean, additive Gaussian noise, Gaussian blur (separable, radius ⌈3σ⌉), each drawn with
/// its probability from the sample's random stream; values clipped to 0..255.
/// </summary>
internal static class Photometric
{
    [ThreadStatic] private static float[]? t_planes;
    [ThreadStatic] private static float[]? t_scratch;

    public static void WarpAndJitter(RgbImage image, Affine2D imageToInput, int w, int h, InputNormalization normalization, ref SampleRandom rnd,
        AugmentationOptions a, Span<float> output)
    {
        int plane = w * h;
        var planes = (t_planes is { } p && p.Length >= 3 * plane ? p : t_planes = new float[3 * plane]).AsSpan(0, 3 * plane);
        AffineCropper.Crop(image.Pixels, image.Width, image.Height, image.Stride, imageToInput, w, h, InputNormalization.Raw255Rgb, planes);
        if (a.ContrastProbability > 0 && rnd.NextDouble() < a.ContrastProbability)
        {
            float c = (float)rnd.Uniform(a.Contrast.Min, a.Contrast.Max);
            for (int ch = 0; ch < 3; ch++)
            {
                var s = planes.Slice(ch * plane, plane);
                double sum = 0;
                foreach (var v in s) sum += v;
                float mean = (float)(sum / plane);
                for (int i = 0; i < s.Length; i++) s[i] = Math.Clamp((s[i] - mean) * c + mean, 0, 255);
            }
        }
        if (a.NoiseProbability > 0 && rnd.NextDouble() < a.NoiseProbability)
        {
            float sigma = (float)a.NoiseSigma;
            for (int i = 0; i < planes.Length; i++) planes[i] = Math.Clamp(planes[i] + sigma * (float)rnd.NextGaussian(), 0, 255);
        }
        if (a.BlurProbability > 0 && rnd.NextDouble() < a.BlurProbability)
        {
            double sigma = rnd.Uniform(a.BlurSigma.Min, a.BlurSigma.Max);
            var scratch = (t_scratch is { } q && q.Length >= plane ? q : t_scratch = new float[plane]).AsSpan(0, plane);
            for (int ch = 0; ch < 3; ch++) Blur(planes.Slice(ch * plane, plane), w, h, sigma, scratch);
        }
        for (int c = 0; c < 3; c++)
        {
            var (source, scale, offset) = normalization.Channel(c);
            var src = planes.Slice(source * plane, plane);
            var dst = output.Slice(c * plane, plane);
            for (int i = 0; i < plane; i++) dst[i] = src[i] * scale + offset;
        }
    }

    /// <summary>Separable Gaussian blur with clamped borders.</summary>
    internal static void Blur(Span<float> map, int w, int h, double sigma, Span<float> scratch)
    {
        int r = (int)Math.Ceiling(3 * sigma);
        Span<float> kernel = stackalloc float[2 * r + 1];
        float total = 0;
        for (int i = -r; i <= r; i++) total += kernel[i + r] = (float)Math.Exp(-i * i / (2 * sigma * sigma));
        for (int i = 0; i < kernel.Length; i++) kernel[i] /= total;
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            float s = 0;
            for (int i = -r; i <= r; i++) s += kernel[i + r] * map[y * w + Math.Clamp(x + i, 0, w - 1)];
            scratch[y * w + x] = s;
        }
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            float s = 0;
            for (int i = -r; i <= r; i++) s += kernel[i + r] * scratch[Math.Clamp(y + i, 0, h - 1) * w + x];
            map[y * w + x] = s;
        }
    }
}
