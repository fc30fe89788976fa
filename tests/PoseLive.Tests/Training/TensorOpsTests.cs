using PoseLive.Tests.TestSupport;
using PoseLive.Training.Tensors;

namespace PoseLive.Tests.Training;

/// <summary>The shim's generic ops, resampling, pooling and losses against direct formulas, plus gradient checks.</summary>
[Collection("libtorch")]
public class TensorOpsTests
{
    public TensorOpsTests() => Torch.Threads = 2;

    private static double[] Doubles(int n, int seed, double lo, double hi) =>
        TestData.Floats(n, seed).Select(v => lo + (v + 1) / 2 * (hi - lo)).ToArray();

    /// <summary>Heatmap targets with exact 1s at the centres and Gaussian tails around them, as CenterNet draws them.</summary>
    private static double[] FocalTarget()
    {
        var t = new double[2 * 5 * 4];
        (int C, int Y, int X)[] centres = [(0, 1, 1), (1, 3, 2)];
        foreach (var (c, cy, cx) in centres)
            for (int y = 0; y < 5; y++)
                for (int x = 0; x < 4; x++)
                {
                    int i = c * 20 + y * 4 + x;
                    t[i] = Math.Max(t[i], Math.Exp(-((y - cy) * (y - cy) + (x - cx) * (x - cx)) / 2.0));
                }
        return t;
    }

    [Fact]
    public void CenterNet_focal_loss_equals_its_formula_and_its_gradient_matches_finite_differences()
    {
        var target = FocalTarget();
        var p = Doubles(40, 11, 0.02, 0.98);
        double pos = 0, neg = 0;
        for (int i = 0; i < p.Length; i++)
        {
            if (target[i] == 1) pos += Math.Log(p[i]) * Math.Pow(1 - p[i], 2);
            else neg += Math.Log(1 - p[i]) * Math.Pow(p[i], 2) * Math.Pow(1 - target[i], 4);
        }
        double expected = -(pos + neg) / 2; // two positives
        using var scope = new DisposeScope();
        var tt = Tensor.FromArray(target, 1, 2, 5, 4);
        Assert.Equal(expected, Losses.CenterNetFocal(Tensor.FromArray(p, 1, 2, 5, 4), tt).Item(), 1e-12);
        GradientCheck.AssertMatches(p, [1, 2, 5, 4], x => Losses.CenterNetFocal(x, tt));
        // A perfect prediction costs (almost) nothing; predicting the opposite costs a lot.
        Assert.True(Losses.CenterNetFocal(Tensor.FromArray(target.Select(v => v == 1 ? 1.0 : 0.0).ToArray(), 1, 2, 5, 4), tt).Item() < 1e-3);
        Assert.True(Losses.CenterNetFocal(Tensor.FromArray(target.Select(v => v == 1 ? 0.0 : 1.0).ToArray(), 1, 2, 5, 4), tt).Item() > 10);
    }

    [Fact]
    public void Joints_mse_weights_out_unlabelled_joints_and_its_gradient_matches_finite_differences()
    {
        var pred = Doubles(2 * 3 * 4 * 4, 3, -1, 1);
        var target = Doubles(2 * 3 * 4 * 4, 4, 0, 1);
        double[] weights = [1, 0, 1, 1, 1, 0];
        double sum = 0;
        for (int i = 0; i < pred.Length; i++)
        {
            double w = weights[i / 16], d = w * (pred[i] - target[i]);
            sum += d * d;
        }
        using var scope = new DisposeScope();
        var tt = Tensor.FromArray(target, 2, 3, 4, 4);
        var wt = Tensor.FromArray(weights, 2, 3);
        Assert.Equal(0.5 * sum / pred.Length, Losses.JointsMse(Tensor.FromArray(pred, 2, 3, 4, 4), tt, wt).Item(), 1e-12);
        GradientCheck.AssertMatches(pred, [2, 3, 4, 4], x => Losses.JointsMse(x, tt, wt));
        // Changing an unlabelled joint's prediction changes nothing.
        var moved = (double[])pred.Clone();
        for (int i = 16; i < 32; i++) moved[i] += 5;
        Assert.Equal(0.5 * sum / pred.Length, Losses.JointsMse(Tensor.FromArray(moved, 2, 3, 4, 4), tt, wt).Item(), 1e-12);
    }

    [Fact]
    public void L1_and_mse_reductions()
    {
        using var scope = new DisposeScope();
        var a = Tensor.FromArray(new[] { 1f, -2f, 3f, 0.5f }, 2, 2);
        var b = Tensor.FromArray(new[] { 0f, 0f, 1f, 1f }, 2, 2);
        Assert.Equal((1 + 2 + 2 + 0.5) / 4, Functional.L1Loss(a, b).Item(), 1e-6);
        Assert.Equal(1 + 2 + 2 + 0.5, Functional.L1Loss(a, b, Reduction.Sum).Item(), 1e-6);
        Assert.Equal([1f, 2f, 2f, 0.5f], Functional.L1Loss(a, b, Reduction.None).ToFloats());
        Assert.Equal((1 + 4 + 4 + 0.25) / 4, Functional.MseLoss(a, b).Item(), 1e-6);
    }

    [Fact]
    public void Nearest_and_bilinear_upsampling_follow_pytorchs_coordinate_rules()
    {
        using var scope = new DisposeScope();
        var x = Tensor.FromArray(new[] { 1f, 2f, 3f, 4f, 5f, 6f }, 1, 1, 2, 3);
        Assert.Equal([1f, 1f, 2f, 2f, 3f, 3f, 1f, 1f, 2f, 2f, 3f, 3f, 4f, 4f, 5f, 5f, 6f, 6f, 4f, 4f, 5f, 5f, 6f, 6f],
            Functional.UpsampleNearest(x, 2).ToFloats());
        var row = Tensor.FromArray(new[] { 0f, 10f }, 1, 1, 1, 2);
        // align_corners: the end samples coincide, so 3 samples are 0, 5, 10.
        Assert.Equal([0f, 5f, 10f], Functional.UpsampleBilinear(row, 1, 3, alignCorners: true).ToFloats());
        // half-pixel: output x maps to (x + 0.5)·2/4 − 0.5 = −0.25, 0.25, 0.75, 1.25 → clamped, then interpolated.
        Assert.Equal([0f, 2.5f, 7.5f, 10f], Functional.UpsampleBilinear(row, 1, 4).ToFloats());
    }

    [Fact]
    public void Average_pooling_with_and_without_the_padding_in_the_count()
    {
        using var scope = new DisposeScope();
        var x = Tensor.FromArray(Enumerable.Range(1, 16).Select(v => (float)v).ToArray(), 1, 1, 4, 4);
        Assert.Equal([3.5f, 5.5f, 11.5f, 13.5f], Functional.AvgPool2d(x, 2, 2).ToFloats());
        // 3×3 window at the corner with padding 1: 4 real values (1, 2, 5, 6) over 9 or over 4.
        Assert.Equal(14f / 9, Functional.AvgPool2d(x, 3, 2, 1).ToFloats()[0], 5);
        Assert.Equal(14f / 4, Functional.AvgPool2d(x, 3, 2, 1, countIncludePad: false).ToFloats()[0], 5);
        Assert.Equal([8.5f], Functional.AdaptiveAvgPool2d(x, 1, 1).ToFloats());
    }

    [Fact]
    public void Elementwise_comparison_and_selection_ops()
    {
        using var scope = new DisposeScope();
        var a = Tensor.FromArray(new[] { -1f, 0.5f, 4f, 9f }, 4);
        Assert.Equal([0f, 0.5f, 4f, 6f], a.Relu6().ToFloats());
        Assert.Equal([0f, 0.5f, 2f, 2f], a.Clamp(0, 2).ToFloats());
        Assert.Equal([1f, 0.5f, 4f, 9f], a.Abs().ToFloats());
        Assert.Equal([2f, 0.5f, -3f, -8f], (1.0 - a).ToFloats());
        var quotient = (2.0 / a).ToFloats();
        float[] expectedQuotient = [-2f, 4f, 0.5f, 2f / 9];
        for (int i = 0; i < 4; i++) Assert.Equal(expectedQuotient[i], quotient[i], 6);
        Assert.Equal([1f, 0.25f, 16f, 81f], a.Pow(2).ToFloats());
        Assert.Equal((float)Math.Log(4), Tensor.FromArray(new[] { 4f }, 1).Log().ToFloats()[0], 6);
        var big = a.Gt(1);
        Assert.Equal(DType.Bool, big.DType);
        Assert.Equal([0f, 0f, 4f, 9f], Tensor.Where(big, a, Tensor.Zeros(4)).ToFloats());
        Assert.Equal([0f, 0f, 1f, 1f], big.To(DType.Float32).ToFloats());
        var (values, indices) = Tensor.FromArray(new[] { 1f, 7f, 3f, 8f, 2f, 0f }, 2, 3).Max(1);
        Assert.Equal([7f, 8f], values.ToFloats());
        Assert.Equal([1L, 0L], indices.ToLongs());
    }

    [Fact]
    public void Shape_and_indexing_ops()
    {
        using var scope = new DisposeScope();
        var x = Tensor.FromArray(Enumerable.Range(0, 6).Select(v => (float)v).ToArray(), 2, 3);
        Assert.Equal([0f, 3f, 1f, 4f, 2f, 5f], x.Permute(1, 0).ToFloats());
        Assert.Equal([1f, 2f, 4f, 5f], x.Narrow(1, 1, 2).Clone().ToFloats());
        Assert.Equal([2f, 1f, 0f, 5f, 4f, 3f], x.Flip(1).ToFloats());
        // Left/right keypoint swap, as a flip test does: channels picked by an index tensor.
        Assert.Equal([2f, 0f, 1f, 5f, 3f, 4f], x.IndexSelect(1, Tensor.FromArray(new long[] { 2, 0, 1 }, 3)).ToFloats());
        var cat = Tensor.Cat([x, x * 10.0], 0);
        Assert.Equal([4L, 3L], cat.Shape);
        Assert.Equal(0f + 1 + 2 + 3 + 4 + 5 + 10 * 15, cat.Sum().ToFloats()[0]);
        Assert.Equal([3f, 12f], x.Sum([1]).ToFloats());
        Assert.Equal([[1L, 1L]], [x.Mean([0, 1], keepDim: true).Shape]);
        Assert.Equal([1.5f, 2.5f, 3.5f], x.Mean([0]).ToFloats());
    }

    [Fact]
    public void In_place_relu_and_add_are_recorded_by_autograd()
    {
        using var scope = new DisposeScope();
        var w = Tensor.FromArray(new[] { -1f, 2f, 3f }, 3).WithRequiresGrad();
        // The official blocks' order: out += residual, then relu_ (neither overwrites a value backward needs).
        var y = (w * 2.0).AddInPlace(w).ReluInPlace();
        y.Sum().Backward();
        Assert.Equal([0f, 3f, 3f], w.Grad!.ToFloats()); // d/dw relu(3w) = 3·[w > 0]

        // Overwriting a value autograd saved is caught by libtorch's version counter and reported, not miscomputed.
        var z = (w * 2.0).ReluInPlace(); // relu's backward needs its own output
        z.AddInPlace(w);
        var e = Assert.Throws<TorchException>(() => z.Sum().Backward());
        Assert.Contains("modified by an inplace operation", e.Message);
    }

    [Fact]
    public void Devices_are_reported_and_cuda_is_refused_clearly_where_libtorch_has_none()
    {
        using var scope = new DisposeScope();
        var t = Tensor.Zeros(2);
        Assert.Equal(Device.Cpu, t.Device);
        Assert.Equal(Device.Cpu, Device.Parse("cpu"));
        Assert.Throws<ArgumentException>(() => Device.Parse("gpu"));
        if (Device.CudaAvailable)
        {
            Assert.Equal(DeviceType.Cuda, Device.Parse("auto").Type);
            Assert.Equal(DeviceType.Cuda, t.To(Device.Parse("cuda")).Device.Type);
        }
        else
        {
            Assert.Equal(Device.Cpu, Device.Parse("auto"));
            var e = Assert.Throws<TorchException>(() => Device.Parse("cuda:0"));
            Assert.Contains("cannot use CUDA", e.Message);
            var native = Assert.Throws<TorchException>(() => t.To(new Device(DeviceType.Cuda)));
            Assert.Contains("CUDA", native.Message);
        }
    }

    [Fact]
    public void Scoped_ops_release_every_handle()
    {
        long before = Torch.LiveTensors;
        using (var scope = new DisposeScope())
        {
            var x = Tensor.FromArray(Doubles(16, 1, 0.1, 0.9), 1, 1, 4, 4);
            var loss = Losses.CenterNetFocal(x, x.Clamp(0, 1)) + Functional.UpsampleNearest(x, 2).Mean() + Functional.AvgPool2d(x, 2, 2).Sum();
            _ = loss.Item();
            _ = x.Max(3);
            _ = Tensor.Cat([x, x], 1);
        }
        Assert.Equal(before, Torch.LiveTensors);
    }

    [Fact]
    public void Large_blocks_freed_by_one_step_are_reused_by_the_next()
    {
        Torch.EmptyCache();
        Assert.Equal(0, Torch.CachedBytes);
        const long count = 3 << 20; // 12 MiB of float32, a typical activation
        using (var a = Tensor.Zeros(count)) { }
        Assert.Equal(12L << 20, Torch.CachedBytes);                 // kept, not returned to the OS
        using (var scope = new DisposeScope())
        {
            var b = Tensor.Zeros(count);
            Assert.Equal(0, Torch.CachedBytes);                      // the same block serves the next allocation
            Assert.All(b.Narrow(0, count - 4, 4).Clone().ToFloats(), v => Assert.Equal(0f, v)); // zeros() still zero-fills
        }
        using (var small = Tensor.Zeros(1000)) { }
        Assert.Equal(12L << 20, Torch.CachedBytes);                  // small blocks stay with the default allocator
        Torch.EmptyCache();
        Assert.Equal(0, Torch.CachedBytes);
    }

    [Fact]
    public void Flush_denormal_turns_subnormal_values_into_zero_and_back()
    {
        using var scope = new DisposeScope();
        const float subnormal = 1e-39f;
        var x = Tensor.FromArray(new[] { subnormal, 1f }, 2);
        try
        {
            Assert.True(Torch.FlushDenormal(true)); // x86-64 has FTZ/DAZ
            Assert.Equal([0f, 2f], (x * 2.0).ToFloats());
        }
        finally
        {
            Torch.FlushDenormal(false);
        }
        Assert.Equal([2 * subnormal, 2f], (x * 2.0).ToFloats());
    }
}
