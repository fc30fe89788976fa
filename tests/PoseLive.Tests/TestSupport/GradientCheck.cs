using PoseLive.Training.Tensors;

namespace PoseLive.Tests.TestSupport;

/// <summary>Central finite differences (float64, h = 1e-6) against autograd's gradient of a scalar function.</summary>
internal static class GradientCheck
{
    public static void AssertMatches(double[] x, long[] shape, Func<Tensor, Tensor> loss)
    {
        using var scope = new DisposeScope();
        var xt = Tensor.FromArray(x, shape).WithRequiresGrad();
        loss(xt).Backward();
        var grad = xt.Grad!.ToDoubles();
        const double h = 1e-6;
        double Eval(double[] v)
        {
            using var s = new DisposeScope();
            using var _ = Torch.NoGrad();
            return loss(Tensor.FromArray(v, shape)).Item();
        }
        for (int i = 0; i < x.Length; i++)
        {
            var plus = (double[])x.Clone(); plus[i] += h;
            var minus = (double[])x.Clone(); minus[i] -= h;
            double numeric = (Eval(plus) - Eval(minus)) / (2 * h);
            Assert.True(Math.Abs(numeric - grad[i]) <= 1e-6 + 1e-4 * Math.Abs(numeric), $"d/dx[{i}]: autograd {grad[i]}, finite difference {numeric}");
        }
        Assert.Contains(grad, g => Math.Abs(g) > 1e-3); // the check is not vacuous
    }
}
