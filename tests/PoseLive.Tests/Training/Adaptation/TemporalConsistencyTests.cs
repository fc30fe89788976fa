using PoseLive.Training.Adaptation;

namespace PoseLive.Tests.Training.Adaptation;

public class TemporalConsistencyTests
{
    private readonly TemporalConsistency _rule = new();

    [Fact]
    public void The_rule_keeps_a_confident_prediction_and_takes_the_flow_when_confidence_drops()
    {
        // prediction as confident as the flowed point: kept
        Assert.Equal((50f, 60f, 0.8f, false), _rule.Decide(50, 60, 0.8f, 52, 61, 0.8f, 50, 58, found: true));
        // ratio 0.9 exactly is not below 0.9: kept
        Assert.False(_rule.Decide(50, 60, 0.72f, 52, 61, 0.8f, 50, 58, found: true).Replaced);
        // ratio 0.5: the flowed point with the previous confidence × 0.9
        var (x, y, c, replaced) = _rule.Decide(50, 60, 0.4f, 52, 61, 0.8f, 50, 58, found: true);
        Assert.True(replaced);
        Assert.Equal((52f, 61f), (x, y));
        Assert.Equal(0.72f, c, 5);
        // the flow moved the point more than 15 px: no evidence, the prediction stays however weak
        Assert.False(_rule.Decide(50, 60, 0.1f, 70, 60, 0.9f, 50, 60, found: true).Replaced);
        Assert.True(_rule.Decide(50, 60, 0.1f, 65, 60, 0.9f, 50, 60, found: true).Replaced);     // 15 px exactly is allowed
        // the flow lost the point: no evidence
        Assert.False(_rule.Decide(50, 60, 0.1f, 52, 61, 0.9f, 50, 58, found: false).Replaced);
        // a previous keypoint of confidence 0 gives nothing to compare with
        Assert.False(_rule.Decide(50, 60, 0.1f, 52, 61, 0f, 50, 58, found: true).Replaced);
    }

    [Fact]
    public void Lucas_kanade_follows_a_textured_shift_and_the_check_uses_it()
    {
        const int w = 160, h = 120;
        // a smooth random texture, then the same texture moved 3 px right and 2 px down
        var random = new Random(2);
        var coarse = new double[(w / 8 + 2) * (h / 8 + 2)];
        for (int i = 0; i < coarse.Length; i++) coarse[i] = random.NextDouble();
        double Texture(double x, double y)
        {
            double gx = x / 8, gy = y / 8;
            int ix = (int)Math.Floor(gx), iy = (int)Math.Floor(gy);
            double fx = gx - ix, fy = gy - iy;
            int cw = w / 8 + 2;
            double At(int a, int b) => coarse[Math.Clamp(b, 0, h / 8 + 1) * cw + Math.Clamp(a, 0, cw - 1)];
            return (At(ix, iy) * (1 - fx) + At(ix + 1, iy) * fx) * (1 - fy) + (At(ix, iy + 1) * (1 - fx) + At(ix + 1, iy + 1) * fx) * fy;
        }
        var a = new byte[w * h];
        var b = new byte[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                a[y * w + x] = (byte)(255 * Texture(x + 8, y + 8));
                b[y * w + x] = (byte)(255 * Texture(x + 8 - 3, y + 8 - 2));
            }
        (float, float)[] previous = [(40, 40), (80, 60), (120, 80)];
        var flowed = PoseLive.Interop.OpenCv.OpenCvFlow.Track(a, b, w, h, previous);
        for (int i = 0; i < previous.Length; i++)
        {
            Assert.True(flowed[i].Found);
            Assert.InRange(flowed[i].X - previous[i].Item1, 2.8, 3.2);
            Assert.InRange(flowed[i].Y - previous[i].Item2, 1.8, 2.2);
        }
        // the current predictions: the first confident, the second weak (taken from the flow), the third far off but confident
        (float X, float Y)[] points = [(43, 42), (90, 70), (10, 10)];
        float[] confidences = [0.85f, 0.3f, 0.9f];
        int replaced = _rule.Apply(a, b, w, h, previous, [0.9f, 0.9f, 0.9f], points, confidences);
        Assert.Equal(1, replaced);
        Assert.Equal((43f, 42f), points[0]);
        Assert.InRange(points[1].X, 82.8, 83.2);
        Assert.InRange(points[1].Y, 61.8, 62.2);
        Assert.Equal(0.81f, confidences[1], 5);
        Assert.Equal((10f, 10f), points[2]);
    }
}
