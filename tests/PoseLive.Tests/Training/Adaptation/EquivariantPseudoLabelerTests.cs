using PoseLive.Pose;
using PoseLive.Pose.Codecs;
using PoseLive.Pose.Geometry;
using PoseLive.Training.Adaptation;

namespace PoseLive.Tests.Training.Adaptation;

public class EquivariantPseudoLabelerTests
{
    private const int W = 48, H = 64, K = 4;
    private static readonly (double X, double Y)[] Truth = [(300, 220), (340, 260), (280, 300), (320, 330)];
    private static readonly BoundingBox Box = new(200, 160, 220, 220);

    // a stand-in "net" that knows where the keypoints are: it draws them into each pass's heatmaps, as a perfectly
    // equivariant net would (pass crops recomputed from the same seed); <paramref name="wrong"/> misplaces keypoint 0 in passes ≥ 1
    private static Func<float[], int, float[]> Predictor(int seed, bool wrong)
    {
        var identity = TopDownCrop.FromBox(Box, 192, 256, padding: 1.0);
        var passes = EquivariancePass.Draw(new Random(seed), 5);
        return (input, n) =>
        {
            Assert.Equal(5, n);
            Assert.Equal(5 * 3 * 192 * 256, input.Length);
            var output = new float[n * K * W * H];
            for (int p = 0; p < n; p++)
            {
                var toHeat = passes[p].Apply(identity).StandardTransform(W, H);
                for (int k = 0; k < K; k++)
                {
                    var (x, y) = toHeat.Apply(Truth[k].X, Truth[k].Y);
                    if (wrong && k == 0 && p > 0) (x, y) = (5 + 8 * p, 50 - 9 * p);
                    for (int r = 0; r < H; r++)
                        for (int c = 0; c < W; c++)
                            output[((p * K + k) * H + r) * W + c] = (float)Math.Exp(-((c - x) * (c - x) + (r - y) * (r - y)) / 8.0);
                }
            }
            return output;
        };
    }

    [Fact]
    public void A_consistent_net_gives_its_keypoints_back_with_full_confidence_and_an_unstable_keypoint_loses_it()
    {
        var frame = new byte[640 * 480 * 3];
        var codec = new DarkCodec(192, 256, W, H);
        var good = new EquivariantPseudoLabeler(codec, K, InputNormalization.ImageNetRgb, Predictor(12, wrong: false)).Label(frame, 640, 480, 640 * 3, Box, new Random(12));
        for (int k = 0; k < K; k++)
        {
            Assert.InRange(good.Confidences[k], 0.9f, 1.0f);
            double err = Math.Sqrt(Math.Pow(good.Keypoints[k].X - Truth[k].X, 2) + Math.Pow(good.Keypoints[k].Y - Truth[k].Y, 2));
            Assert.True(err < 1.0, $"keypoint {k} at ({good.Keypoints[k].X:F2}, {good.Keypoints[k].Y:F2}), {err:F2} px from the truth");
        }
        var shaky = new EquivariantPseudoLabeler(codec, K, InputNormalization.ImageNetRgb, Predictor(12, wrong: true)).Label(frame, 640, 480, 640 * 3, Box, new Random(12));
        Assert.InRange(shaky.Confidences[0], 0.15f, 0.45f);     // only the identity pass agrees with itself
        Assert.All(shaky.Confidences.Skip(1), c => Assert.InRange(c, 0.9f, 1.0f));
    }
}
