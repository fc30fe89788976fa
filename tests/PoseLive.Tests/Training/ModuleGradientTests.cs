using PoseLive.Tests.TestSupport;
using PoseLive.Training.Modules;
using PoseLive.Training.Nets;
using PoseLive.Training.Tensors;

namespace PoseLive.Tests.Training;

/// <summary>
/// Finite-difference checks of the composed building blocks in float64 (<see cref="Module.To(DType)"/>): LPN's GC
/// block (conv mask, softmax over positions, matmul pooling, LayerNorm, channel add) and an HRNet exchange unit
/// (branches, stride-2 and nearest-upsampling fuse paths, in-place ReLUs and adds).
/// </summary>
[Collection("libtorch")]
public class ModuleGradientTests
{
    public ModuleGradientTests() => Torch.Threads = 2;

    private static double[] Values(int n, int seed) => TestData.Floats(n, seed).Select(v => (double)v).ToArray();

    [Fact]
    public void Gc_block_gradient_matches_finite_differences()
    {
        Torch.ManualSeed(5);
        using var block = new GcBlock(8, 16);
        block.To(DType.Float64).Eval();
        using var scope = new DisposeScope();
        var mix = Tensor.FromArray(Values(2 * 8 * 3 * 4, 9), 2, 8, 3, 4); // a fixed linear read-out of the output
        GradientCheck.AssertMatches(Values(2 * 8 * 3 * 4, 8), [2, 8, 3, 4], x => (block.Forward(x) * mix).Sum());
    }

    [Fact]
    public void Hrnet_exchange_unit_gradient_matches_finite_differences()
    {
        Torch.ManualSeed(6);
        using var unit = new HighResolutionModule([1, 1], [4, 8], [4, 8], multiScaleOutput: true);
        unit.To(DType.Float64).Eval();
        using var scope = new DisposeScope();
        var w0 = Tensor.FromArray(Values(4 * 4 * 4, 3), 1, 4, 4, 4);
        var w1 = Tensor.FromArray(Values(8 * 2 * 2, 4), 1, 8, 2, 2);
        var low = Tensor.FromArray(Values(8 * 2 * 2, 5), 1, 8, 2, 2);
        // Gradient with respect to the high-resolution input, through both outputs (fuse up and down).
        GradientCheck.AssertMatches(Values(4 * 4 * 4, 2), [1, 4, 4, 4], x =>
        {
            var y = unit.Forward([x, low]);
            return (y[0] * w0).Sum() + (y[1] * w1).Sum();
        });
    }

    [Fact]
    public void Converting_a_module_to_float64_keeps_its_values_and_integer_buffers()
    {
        Torch.ManualSeed(7);
        using var net = new Sequential(new Conv2d(2, 3, 3), new BatchNorm2d(3));
        var before = net.StateDict().Where(p => p.Tensor.DType == DType.Float32).Select(p => p.Tensor.ToFloats()).ToList();
        net.To(DType.Float64);
        var after = net.StateDict().ToList();
        Assert.Equal(DType.Int64, after.Single(p => p.Name.EndsWith("num_batches_tracked", StringComparison.Ordinal)).Tensor.DType);
        var doubles = after.Where(p => p.Tensor.DType == DType.Float64).Select(p => p.Tensor.ToDoubles()).ToList();
        Assert.Equal(before.Count, doubles.Count);
        for (int i = 0; i < before.Count; i++) Assert.Equal(before[i].Select(v => (double)v), doubles[i]);
        Assert.True(net.Parameters().All(p => p.RequiresGrad));
    }
}
