using PoseLive.Training.Tensors;
using PoseLive.Tests.TestSupport;

namespace PoseLive.Tests.Training;

/// <summary>libtorch's live-tensor counter is process-wide, so every test touching tensors runs in this one collection.</summary>
[CollectionDefinition("libtorch", DisableParallelization = true)]
public sealed class LibtorchCollection;

[Collection("libtorch")]
public class TensorTests
{
    public TensorTests() => Torch.Threads = 2;

    /// <summary>Direct NCHW convolution in float64 (the textbook sum), the reference for libtorch's conv2d.</summary>
    private static double[] NaiveConv(double[] x, long[] xs, double[] w, long[] ws, double[]? b, int stride, int pad, int groups)
    {
        long n = xs[0], c = xs[1], h = xs[2], wd = xs[3], o = ws[0], cg = ws[1], kh = ws[2], kw = ws[3];
        long oh = (h + 2 * pad - kh) / stride + 1, ow = (wd + 2 * pad - kw) / stride + 1, og = o / groups;
        var y = new double[n * o * oh * ow];
        for (long bi = 0; bi < n; bi++)
        for (long oc = 0; oc < o; oc++)
        for (long yy = 0; yy < oh; yy++)
        for (long xx = 0; xx < ow; xx++)
        {
            double s = b?[oc] ?? 0;
            long g = oc / og;
            for (long ic = 0; ic < cg; ic++)
            for (long ky = 0; ky < kh; ky++)
            for (long kx = 0; kx < kw; kx++)
            {
                long iy = yy * stride - pad + ky, ix = xx * stride - pad + kx;
                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                s += x[((bi * c + g * cg + ic) * h + iy) * wd + ix] * w[((oc * cg + ic) * kh + ky) * kw + kx];
            }
            y[((bi * o + oc) * oh + yy) * ow + xx] = s;
        }
        return y;
    }

    private static double[] Doubles(int n, int seed) => TestData.Floats(n, seed).Select(v => (double)v).ToArray();

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(2, 1, 2)]   // strided, grouped
    [InlineData(1, 0, 4)]   // depthwise (groups = channels)
    public void Conv2d_matches_the_direct_sum(int stride, int pad, int groups)
    {
        long[] xs = [2, 4, 9, 7], ws = [8, 4 / groups, 3, 3];
        var x = TestData.Floats(2 * 4 * 9 * 7, 1);
        var w = TestData.Floats((int)(8 * ws[1] * 9), 2);
        var b = TestData.Floats(8, 3);
        using var scope = new DisposeScope();
        var y = Functional.Conv2d(Tensor.FromArray(x, xs), Tensor.FromArray(w, ws), Tensor.FromArray(b, 8), stride, pad, groups: groups);

        var expected = NaiveConv(x.Select(v => (double)v).ToArray(), xs, w.Select(v => (double)v).ToArray(), ws, b.Select(v => (double)v).ToArray(), stride, pad, groups);
        long oh = (9 + 2 * pad - 3) / stride + 1, ow = (7 + 2 * pad - 3) / stride + 1;
        Assert.Equal([2L, 8, oh, ow], y.Shape);
        var got = y.ToFloats();
        for (int i = 0; i < got.Length; i++) Assert.True(Math.Abs(got[i] - expected[i]) <= 1e-5, $"element {i}: {got[i]} vs {expected[i]}");
    }

    [Fact]
    public void Backward_gradients_of_a_conv_mse_loss_match_finite_differences()
    {
        long[] xs = [1, 2, 6, 5], ws = [3, 2, 3, 3];
        using var scope = new DisposeScope();
        var xt = Tensor.FromArray(Doubles(60, 4), xs);
        var tt = Tensor.FromArray(Doubles(3 * 6 * 5, 6), 1, 3, 6, 5);
        GradientCheck.AssertMatches(Doubles(54, 5), ws, wt => Functional.MseLoss(Functional.Conv2d(xt, wt, padding: 1).Relu(), tt));
    }

    [Fact]
    public void A_one_layer_net_overfits_heatmap_targets_with_plain_gradient_descent()
    {
        Torch.ManualSeed(7);
        using var scope = new DisposeScope();
        // Targets: Gaussian blobs a fixed 3×3 filter would produce; the net must find such a filter.
        var input = Tensor.Randn(4, 1, 16, 12);
        var trueFilter = Tensor.FromArray([0.05f, 0.1f, 0.05f, 0.1f, 0.4f, 0.1f, 0.05f, 0.1f, 0.05f], 1, 1, 3, 3);
        Tensor target;
        using (Torch.NoGrad()) target = Functional.Conv2d(input, trueFilter, padding: 1);
        var w = (Tensor.Randn(1, 1, 3, 3) * 0.5).Detach().WithRequiresGrad();

        double first = 0, last = 0;
        for (int step = 0; step < 200; step++)
        {
            using var stepScope = new DisposeScope();
            var loss = Functional.MseLoss(Functional.Conv2d(input, w, padding: 1), target);
            loss.Backward();
            last = loss.Item();
            if (step == 0) first = last;
            var updated = stepScope.MoveToOuter((w - w.Grad! * 0.5).Detach().WithRequiresGrad());
            w = updated;
        }
        Assert.True(last <= first / 100, $"loss fell from {first} to {last}, less than 100×");
    }

    [Fact]
    public void Dispose_scopes_release_every_intermediate_and_keep_what_is_moved_out()
    {
        long before = Torch.LiveTensors;
        Tensor kept;
        using (var scope = new DisposeScope())
        {
            var a = Tensor.Randn(3, 3);
            var b = (a * a + a).Relu().Sum();
            kept = scope.MoveToOuter(b * 2.0);
            Assert.True(Torch.LiveTensors >= before + 5);
        }
        Assert.Equal(before + 1, Torch.LiveTensors);
        Assert.False(kept.IsDisposed);
        kept.Dispose();
        kept.Dispose(); // idempotent
        Assert.Equal(before, Torch.LiveTensors);
        Assert.Throws<ObjectDisposedException>(() => kept.Shape);
    }

    [Fact]
    public void NoGrad_stops_recording_and_restores_the_previous_mode()
    {
        using var scope = new DisposeScope();
        var w = Tensor.Randn(2, 2).WithRequiresGrad();
        using (Torch.NoGrad())
        {
            Assert.False(Torch.GradEnabled);
            Assert.False((w * w).RequiresGrad);
        }
        Assert.True(Torch.GradEnabled);
        Assert.True((w * w).RequiresGrad);
    }

    [Fact]
    public void Libtorch_errors_surface_with_its_message()
    {
        using var scope = new DisposeScope();
        var x = Tensor.Zeros(1, 3, 8, 8);
        var w = Tensor.Zeros(4, 5, 3, 3); // expects 5 input channels
        var e = Assert.Throws<TorchException>(() => Functional.Conv2d(x, w));
        Assert.StartsWith("libtorch conv2d failed: ", e.Message);
        Assert.Contains("expected input[1, 3, 8, 8] to have 5 channels", e.Message);
        var shape = Assert.Throws<ArgumentException>(() => Tensor.FromArray(new float[5], 2, 3));
        Assert.Contains("holds 6 values but 5 were given", shape.Message);
    }

    [Fact]
    public void Version_and_thread_control()
    {
        Assert.StartsWith("1.13", Torch.Version);
        Torch.Threads = 1;
        Assert.Equal(1, Torch.Threads);
        Torch.Threads = 2;
        Assert.Equal(2, Torch.Threads);
    }
}
