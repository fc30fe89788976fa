using PoseLive.Pose;
using PoseLive.Pose.Codecs;

namespace PoseLive.Tests.Pose;

/// <summary>Each codec on ideal sub-pixel Gaussians at many centres, against the theory of its convention.</summary>
public class CodecTests
{
    private const int InW = 192, InH = 256, HmW = 48, HmH = 64; // stride 4
    private const double Sigma = 2.0;

    /// <summary>An ideal (untruncated) Gaussian of peak 1 at (mx, my) heatmap px.</summary>
    private static float[] IdealGaussian(double mx, double my, int w = HmW, int h = HmH)
    {
        var map = new float[w * h];
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            map[y * w + x] = (float)Math.Exp(-((x - mx) * (x - mx) + (y - my) * (y - my)) / (2 * Sigma * Sigma));
        return map;
    }

    private static IEnumerable<(double X, double Y)> Centres(int count, int seed, double margin = 8)
    {
        var rng = new Random(seed);
        for (int i = 0; i < count; i++)
            yield return (margin + rng.NextDouble() * (HmW - 2 * margin), margin + rng.NextDouble() * (HmH - 2 * margin));
    }

    [Fact]
    public void Dark_decodes_ideal_gaussians_to_within_a_hundredth_of_a_heatmap_pixel()
    {
        var codec = new DarkCodec(InW, InH, HmW, HmH, Sigma);
        var kp = new Keypoint[1];
        double sumErr = 0, maxErr = 0;
        int n = 0;
        foreach (var (mx, my) in Centres(300, 1))
        {
            codec.Decode(IdealGaussian(mx, my), kp);
            double ex = Math.Abs(kp[0].X / 4.0 - mx), ey = Math.Abs(kp[0].Y / 4.0 - my);
            sumErr += ex + ey; maxErr = Math.Max(maxErr, Math.Max(ex, ey)); n += 2;
        }
        Assert.True(sumErr / n <= 0.01, $"DARK mean error {sumErr / n:F4} heatmap px");
        Assert.True(maxErr <= 0.03, $"DARK max error {maxErr:F4} heatmap px");
    }

    [Fact]
    public void Local_dark_refinement_equals_the_full_map_definition_and_the_simd_blur_equals_a_naive_one()
    {
        var codec = new DarkCodec(InW, InH, HmW, HmH, Sigma);
        var rng = new Random(9);
        foreach (var (mx, my) in Centres(40, 8))
        {
            var map = IdealGaussian(mx, my);
            for (int i = 0; i < map.Length; i++) map[i] += (float)(rng.NextDouble() * 0.02); // a noisy, realistic output
            var (px, py, _) = HeatmapMath.Argmax(map, HmW);

            var full = (float[])map.Clone();                               // DARK as defined: blur, rescale, log, Taylor
            HeatmapMath.BlurPreservingMax(full, HmW, HmH, 11, new float[full.Length]);
            var naive = NaiveBlur(map, 11);
            float scale = map.Max() / naive.Max();
            for (int i = 0; i < full.Length; i++) Assert.True(Math.Abs(naive[i] * scale - full[i]) <= 1e-5, $"blur differs at {i}");
            for (int i = 0; i < full.Length; i++) full[i] = MathF.Log(Math.Max(full[i], 1e-10f));
            var expected = HeatmapMath.TaylorRefine(full, HmW, HmH, px, py);

            var actual = codec.Refine(map, px, py);
            Assert.True(Math.Abs(expected.X - actual.X) <= 1e-3 && Math.Abs(expected.Y - actual.Y) <= 1e-3, $"{expected} vs {actual}");
        }
    }

    private static float[] NaiveBlur(float[] map, int size)
    {
        var k = HeatmapMath.GaussianKernel(size);
        int r = size / 2;
        var result = new float[map.Length];
        for (int y = 0; y < HmH; y++)
        for (int x = 0; x < HmW; x++)
        {
            double acc = 0;
            for (int j = -r; j <= r; j++)
            for (int i = -r; i <= r; i++)
                if (x + i >= 0 && x + i < HmW && y + j >= 0 && y + j < HmH) acc += map[(y + j) * HmW + x + i] * k[i + r] * k[j + r];
            result[y * HmW + x] = (float)acc;
        }
        return result;
    }

    [Fact]
    public void Msra_quarter_rule_shows_exactly_its_theoretical_bias()
    {
        var codec = new MsraHeatmapCodec(InW, InH, HmW, HmH, Sigma);
        var kp = new Keypoint[1];
        double sumErr = 0, maxErr = 0;
        int n = 0;
        foreach (var (mx, my) in Centres(300, 2))
        {
            codec.Decode(IdealGaussian(mx, my), kp);
            foreach (var (decoded, mu) in new[] { (kp[0].X / 4.0, mx), (kp[0].Y / 4.0, my) })
            {
                double delta = mu - Math.Round(mu);                       // offset from the argmax pixel
                double theory = Math.Abs(Math.Abs(delta) - 0.25);         // |δ − 0.25·sign δ|
                double err = Math.Abs(decoded - mu);
                Assert.Equal(theory, err, 5);                              // never better, never worse than theory
                sumErr += err; maxErr = Math.Max(maxErr, err); n++;
            }
        }
        Assert.True(maxErr <= 0.25 + 1e-6);
        Assert.InRange(sumErr / n, 0.105, 0.145);                         // uniform δ: mean of ||δ| − ¼| = 0.125
    }

    [Fact]
    public void Udp_encode_decode_round_trip_is_within_a_hundredth_of_a_pixel()
    {
        var codec = new UdpCodec(InW, InH, HmW, HmH);
        var rng = new Random(3);
        var kps = Enumerable.Range(0, 17).Select(_ => new Keypoint((float)(10 + rng.NextDouble() * 170), (float)(10 + rng.NextDouble() * 235), 1f)).ToArray();
        var target = new float[17 * 3 * HmW * HmH];
        var weights = new float[17];
        codec.Encode(kps, target, weights);
        var decoded = new Keypoint[17];
        codec.Decode(target, decoded);
        Assert.All(weights, w => Assert.Equal(1f, w));
        for (int i = 0; i < 17; i++)
        {
            Assert.True(Math.Abs(decoded[i].X - kps[i].X) <= 0.01, $"x {decoded[i].X} vs {kps[i].X}");
            Assert.True(Math.Abs(decoded[i].Y - kps[i].Y) <= 0.01, $"y {decoded[i].Y} vs {kps[i].Y}");
        }
    }

    [Fact]
    public void Regression_offset_round_trip_is_exact()
    {
        var codec = new RegressionOffsetCodec(InW, InH, HmW, HmH);
        var kps = new[] { new Keypoint(50.3f, 77.9f, 1), new Keypoint(120.6f, 200.1f, 1), new Keypoint(0, 0, 0) };
        var target = new float[3 * 3 * HmW * HmH];
        var weights = new float[3];
        codec.Encode(kps, target, weights);
        var decoded = new Keypoint[3];
        codec.Decode(target, decoded);
        Assert.Equal([1f, 1f, 0f], weights);
        Assert.Equal(50.3, decoded[0].X, 3);
        Assert.Equal(77.9, decoded[0].Y, 3);
        Assert.Equal(120.6, decoded[1].X, 3);
        Assert.True(decoded[2].IsMissing);
    }

    [Fact]
    public void Soft_argmax_is_exact_on_symmetric_peaks_and_close_elsewhere()
    {
        var codec = new SoftArgmaxCodec(InW, InH, HmW, HmH, Sigma);
        var kp = new Keypoint[1];
        codec.Decode(IdealGaussian(20, 30), kp);
        Assert.Equal(80.0, kp[0].X, 3);   // integer centre: symmetric weights
        Assert.Equal(120.0, kp[0].Y, 3);
        codec.Decode(IdealGaussian(20.5, 30.5), kp);
        Assert.Equal(82.0, kp[0].X, 3);   // half-pixel centre: two equal neighbours
        double worst = 0;
        foreach (var (mx, my) in Centres(100, 4))
        {
            codec.Decode(IdealGaussian(mx, my), kp);
            worst = Math.Max(worst, Math.Abs(kp[0].X / 4 - mx));
        }
        Assert.True(worst < 0.5, $"soft-argmax worst error {worst:F3} heatmap px"); // β=160 is nearly an argmax
    }

    [Fact]
    public void Msra_encode_quantises_the_centre_and_weights_missing_or_outside_keypoints_zero()
    {
        var codec = new MsraHeatmapCodec(InW, InH, HmW, HmH, Sigma);
        var kps = new[] { new Keypoint(41.7f, 90.2f, 2), Keypoint.Missing, new Keypoint(-100, 50, 2), new Keypoint(30, 30, 0) };
        var target = new float[4 * HmW * HmH];
        var weights = new float[4];
        codec.Encode(kps, target, weights);
        Assert.Equal([1f, 0f, 0f, 0f], weights);
        var (px, py, max) = HeatmapMath.Argmax(target.AsSpan(0, HmW * HmH), HmW);
        Assert.Equal((10, 23, 1f), (px, py, max));   // int(41.7/4 + 0.5) = 10, int(90.2/4 + 0.5) = 23
        Assert.All(target.AsSpan(HmW * HmH).ToArray(), v => Assert.Equal(0f, v));
    }

    [Theory]
    [InlineData("msra")]
    [InlineData("dark")]
    [InlineData("udp")]
    [InlineData("soft-argmax")]
    [InlineData("regression-offset")]
    public void Empty_output_decodes_to_explicitly_missing_keypoints(string name)
    {
        var codec = KeypointCodecs.Create(name, InW, InH, HmW, HmH);
        var output = new float[2 * codec.ChannelsPerKeypoint * HmW * HmH];
        output.AsSpan(0, HmW * HmH).Fill(-1f);
        var kps = new Keypoint[2];
        codec.Decode(output, kps);
        Assert.True(kps[0].IsMissing && kps[1].IsMissing);
        Assert.Equal(0f, kps[0].Score);
    }

    [Fact]
    public void Decoding_checks_the_output_size()
    {
        var codec = new DarkCodec(InW, InH, HmW, HmH);
        var e = Assert.Throws<ArgumentException>(() => codec.Decode(new float[HmW * HmH * 3], new Keypoint[2]));
        Assert.Contains("not 2 keypoints", e.Message);
        Assert.Throws<ArgumentException>(() => KeypointCodecs.Create("nope", InW, InH, HmW, HmH));
    }
}
