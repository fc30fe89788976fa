using PoseLive.Pose;
using PoseLive.Pose.Codecs;
using PoseLive.Tests.TestSupport;
using PoseLive.Training.Modules;
using PoseLive.Training.Optim;
using PoseLive.Training.Tensors;

namespace PoseLive.Tests.Training;

[Collection("libtorch")]
public class OptimizerTests
{
    public OptimizerTests() => Torch.Threads = 2;

    /// <summary>Runs two steps of loss = Σ p² (gradient 2p) and returns the parameter afterwards.</summary>
    private static float[] TwoSteps(Func<Tensor, Optimizer> make, float[] start)
    {
        using var scope = new DisposeScope();
        var p = Tensor.FromArray(start, start.Length).WithRequiresGrad();
        using var opt = make(p);
        for (int i = 0; i < 2; i++)
        {
            opt.ZeroGrad();
            (p * p).Sum().Backward();
            opt.Step();
        }
        return p.ToFloats();
    }

    [Fact]
    public void Adam_follows_the_bias_corrected_update()
    {
        float[] start = [1f, -2f, 0.5f];
        var got = TwoSteps(p => new Adam([p], learningRate: 0.1), start);
        for (int i = 0; i < start.Length; i++)
        {
            double p = start[i], m = 0, v = 0;
            for (int t = 1; t <= 2; t++)
            {
                double g = 2 * p;
                m = 0.9 * m + 0.1 * g;
                v = 0.999 * v + 0.001 * g * g;
                p -= 0.1 * (m / (1 - Math.Pow(0.9, t))) / (Math.Sqrt(v / (1 - Math.Pow(0.999, t))) + 1e-8);
            }
            Assert.Equal(p, got[i], 1e-6);
        }
    }

    [Fact]
    public void Sgd_with_momentum_and_weight_decay_follows_torch_optim()
    {
        float[] start = [1f, -2f, 0.5f];
        var got = TwoSteps(p => new Sgd([p], learningRate: 0.1, momentum: 0.9, weightDecay: 0.01), start);
        for (int i = 0; i < start.Length; i++)
        {
            double p = start[i], buf = 0;
            for (int t = 1; t <= 2; t++)
            {
                double g = 2 * p + 0.01 * p;
                buf = t == 1 ? g : 0.9 * buf + g;
                p -= 0.1 * buf;
            }
            Assert.Equal(p, got[i], 1e-6);
        }
    }

    [Fact]
    public void RmsProp_follows_torch_optim()
    {
        float[] start = [1f, -2f];
        var got = TwoSteps(p => new RmsProp([p], learningRate: 0.01), start);
        for (int i = 0; i < start.Length; i++)
        {
            double p = start[i], sq = 0;
            for (int t = 1; t <= 2; t++)
            {
                double g = 2 * p;
                sq = 0.99 * sq + 0.01 * g * g;
                p -= 0.01 * g / (Math.Sqrt(sq) + 1e-8);
            }
            Assert.Equal(p, got[i], 1e-6);
        }
    }

    [Fact]
    public void Schedules_give_the_official_step_and_cosine_rates()
    {
        var step = new MultiStepSchedule(1e-3, [90, 120]);
        Assert.Equal(1e-3, step.RateAt(89), 1e-12);
        Assert.Equal(1e-4, step.RateAt(90), 1e-12);
        Assert.Equal(1e-5, step.RateAt(120), 1e-12);
        var cosine = new CosineSchedule(1e-3, 100, 1e-5);
        Assert.Equal(1e-3, cosine.RateAt(0), 1e-12);
        Assert.Equal((1e-3 + 1e-5) / 2, cosine.RateAt(50), 1e-12);
        Assert.Equal(1e-5, cosine.RateAt(100), 1e-12);
    }

    /// <summary>Real training: a small stride-4 heatmap net overfits MSRA targets of four images with Adam, and
    /// the same codec decodes its outputs back to the labelled keypoints.</summary>
    [Fact]
    public void A_small_heatmap_net_overfits_codec_targets_and_decodes_the_keypoints_back()
    {
        Torch.ManualSeed(3);
        const int n = 4, k = 3, w = 48, h = 64, hw = 12, hh = 16;
        var codec = new MsraHeatmapCodec(w, h, hw, hh, sigma: 2);
        var rng = new Random(5);
        var keypoints = new Keypoint[n][];
        var targets = new float[n * k * hh * hw];
        var weights = new float[k];
        for (int i = 0; i < n; i++)
        {
            keypoints[i] = Enumerable.Range(0, k).Select(_ => new Keypoint(8 + rng.Next(32), 8 + rng.Next(48), 1)).ToArray();
            codec.Encode(keypoints[i], targets.AsSpan(i * k * hh * hw, k * hh * hw), weights);
        }

        using var net = new Sequential(
            new Conv2d(3, 32, 3, 1, 1, bias: false), new BatchNorm2d(32), new ReLU(),
            new Conv2d(32, 32, 3, 2, 1, bias: false), new BatchNorm2d(32), new ReLU(),
            new Conv2d(32, 32, 3, 2, 1, bias: false), new BatchNorm2d(32), new ReLU(),
            new Conv2d(32, 32, 3, 1, 1, bias: false), new BatchNorm2d(32), new ReLU(),
            new Conv2d(32, k, 1));
        using var opt = new Adam(net.Parameters(), learningRate: 3e-3);
        using var data = new DisposeScope();
        var input = Tensor.FromArray(TestData.Floats(n * 3 * h * w, 9), n, 3, h, w);
        var target = Tensor.FromArray(targets, n, k, hh, hw);

        double first = 0, last = 0;
        for (int step = 0; step < 300; step++)
        {
            using var scope = new DisposeScope();
            opt.ZeroGrad();
            var loss = Functional.MseLoss(net.Forward(input), target);
            loss.Backward();
            opt.Step();
            last = loss.Item();
            if (step == 0) first = last;
        }
        Assert.True(last <= first / 100, $"loss fell from {first:G4} to {last:G4}, less than 100×");

        net.Eval();
        using var eval = new DisposeScope();
        using var noGrad = Torch.NoGrad();
        var output = net.Forward(input).ToFloats();
        var decoded = new Keypoint[k];
        for (int i = 0; i < n; i++)
        {
            codec.Decode(output.AsSpan(i * k * hh * hw, k * hh * hw), decoded);
            for (int j = 0; j < k; j++)
            {
                double err = Math.Sqrt(Math.Pow(decoded[j].X - keypoints[i][j].X, 2) + Math.Pow(decoded[j].Y - keypoints[i][j].Y, 2));
                Assert.True(err <= 4, $"image {i} keypoint {j}: decoded ({decoded[j].X:F1}, {decoded[j].Y:F1}), label ({keypoints[i][j].X}, {keypoints[i][j].Y})");
            }
        }
    }

    [Fact]
    public void Optimisers_and_modules_release_all_their_tensors()
    {
        long before = Torch.LiveTensors;
        using (var net = new Sequential(new Conv2d(1, 2, 3), new BatchNorm2d(2)))
        using (var opt = new Adam(net.Parameters()))
        using (var scope = new DisposeScope())
        {
            Functional.MseLoss(net.Forward(Tensor.Randn(2, 1, 5, 5)), Tensor.Zeros(2, 2, 3, 3)).Backward();
            opt.Step();
            Assert.True(Torch.LiveTensors > before);
        }
        Assert.Equal(before, Torch.LiveTensors);
    }
}
