using PoseLive.Pose.Geometry;
using PoseLive.Training.Adaptation;

namespace PoseLive.Tests.Training.Adaptation;

public class PseudoLabelTests
{
    [Fact]
    public void The_threshold_schedule_keeps_20_percent_at_first_and_rises_to_80()
    {
        var s = new PseudoLabelSchedule();
        // CCSSL.py evaluates it when it regenerates labels, every 10 of 60 epochs: p = 0.8, 0.6, 0.4, 0.2, 0.2, 0.2
        Assert.Equal(new[] { 0.2, 0.4, 0.6, 0.8, 0.8, 0.8 }, new[] { 0, 10, 20, 30, 40, 50 }.Select(e => Math.Round(s.KeptFraction(e), 10)).ToArray());
        Assert.Equal(0.3, s.KeptFraction(5), 10);
        Assert.Throws<ArgumentOutOfRangeException>(() => s.KeptFraction(-1));
    }

    [Fact]
    public void Selection_keeps_exactly_the_requested_share_of_all_keypoints_by_confidence()
    {
        var random = new Random(4);
        var conf = Enumerable.Range(0, 18 * 37).Select(_ => (float)random.NextDouble()).ToArray();
        foreach (var fraction in new[] { 0.0, 0.2, 0.4, 0.6, 0.8, 1.0 })
        {
            var kept = PseudoLabelSelector.Select(conf, fraction, out float threshold);
            int want = (int)Math.Round(fraction * conf.Length, MidpointRounding.AwayFromZero);
            Assert.Equal(want, kept.Count(k => k));
            // every kept confidence is at least every dropped one
            if (want > 0 && want < conf.Length)
            {
                float lowestKept = conf.Where((c, i) => kept[i]).Min(), highestDropped = conf.Where((c, i) => !kept[i]).Max();
                Assert.True(lowestKept >= highestDropped);
                Assert.Equal(lowestKept, threshold);
            }
        }
        // ties: equal confidences are kept in order, so the count is still exact
        var ties = new float[] { 0.5f, 0.5f, 0.5f, 0.5f, 0.9f, float.NaN };
        Assert.Equal(new[] { true, true, false, false, true, false }, PseudoLabelSelector.Select(ties, 0.5, out _));
    }

    [Fact]
    public void Unwarping_an_equivariance_pass_is_exact_on_synthetic_heatmaps()
    {
        const int w = 48, h = 64, k = 3;
        var identity = TopDownCrop.FromBox(new PoseLive.Pose.BoundingBox(100, 80, 150, 210), 192, 256);
        var truth = new[] { (160.0, 150.0), (185.5, 200.25), (150.75, 230.5) };   // image pixels, away from the crop edges (a zoomed-in pass cuts those off)
        var passes = EquivariancePass.Draw(new Random(9), 5);
        Assert.Equal(EquivariancePass.Identity, passes[0]);
        Assert.All(passes.Skip(1), p => { Assert.InRange(p.Scale, 0.75, 1.25); Assert.InRange(p.Rotation, -60, 60); });
        foreach (var pass in passes)
        {
            // what a perfectly equivariant net predicts in the pass's crop: the keypoints' Gaussians in that crop's heatmap
            var passCrop = pass.Apply(identity);
            var toPassHeatmap = passCrop.StandardTransform(w, h);
            var predicted = new float[k * w * h];
            for (int j = 0; j < k; j++)
            {
                var (x, y) = toPassHeatmap.Apply(truth[j].Item1, truth[j].Item2);
                Gaussian(predicted.AsSpan(j * w * h, w * h), w, h, x, y, 2.0);
            }
            var unwarped = new float[k * w * h];
            PoseLive.Interop.OpenCv.OpenCvHeatmaps.Warp(predicted, unwarped, k, w, h, pass.IdentityToPass(identity, w, h));
            // in the identity frame the peaks sit where the identity crop puts the keypoints, and the maps match the identity's
            var toIdentity = identity.StandardTransform(w, h);
            for (int j = 0; j < k; j++)
            {
                var (x, y) = toIdentity.Apply(truth[j].Item1, truth[j].Item2);
                var expected = new float[w * h];
                Gaussian(expected, w, h, x, y, 2.0 * pass.Scale);             // a pass heatmap pixel spans Scale identity pixels
                var plane = unwarped.AsSpan(j * w * h, w * h);
                var (px, py) = Centroid(plane, w, h);
                Assert.True(Math.Abs(px - x) < 0.05 && Math.Abs(py - y) < 0.05, $"pass {pass}: keypoint {j} un-warped to ({px:F3}, {py:F3}), expected ({x:F3}, {y:F3})");
                double worst = 0;
                for (int i = 0; i < w * h; i++) worst = Math.Max(worst, Math.Abs(plane[i] - expected[i]));
                Assert.True(worst < 0.06, $"pass {pass}: keypoint {j} differs by {worst:F4} from the identity-frame Gaussian");   // bilinear resampling of a σ 2 px peak
            }
        }
    }

    private static void Gaussian(Span<float> plane, int w, int h, double cx, double cy, double sigma)
    {
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                plane[y * w + x] = (float)Math.Exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (2 * sigma * sigma));
    }

    private static (double X, double Y) Centroid(ReadOnlySpan<float> plane, int w, int h)
    {
        double sx = 0, sy = 0, s = 0;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                double v = plane[y * w + x];
                if (v < 0.05) continue;
                sx += v * x; sy += v * y; s += v;
            }
        return (sx / s, sy / s);
    }
}
