namespace PoseLive.Training.Tensors;

/// <summary>The training losses of the served models, composed from differentiable tensor ops.</summary>
public static class Losses
{
    /// <summary>
    /// Top-down heatmap loss of SimpleBaseline/HRNet/LPN (JointsMSELoss): ½·mean over N, K, H·W of
    /// (w_k·(pred − target))², where <paramref name="targetWeight"/> [N, K] (or [N, K, 1]) zeroes unlabelled joints.
    /// </summary>
    public static Tensor JointsMse(Tensor prediction, Tensor target, Tensor? targetWeight = null)
    {
        using var scope = new DisposeScope();
        Tensor loss;
        if (targetWeight is null) loss = Functional.MseLoss(prediction, target) * 0.5;
        else
        {
            var s = prediction.Shape;
            var w = targetWeight.Reshape(s[0], s[1], 1, 1);
            loss = Functional.MseLoss(prediction * w, target * w) * 0.5;
        }
        return scope.MoveToOuter(loss);
    }

    /// <summary>
    /// CenterNet's penalty-reduced pixel-wise focal loss (Zhou et al. 2019, from CornerNet) on sigmoid heatmaps:
    /// −1/N_pos · Σ [ y=1: (1−p)^α log p ;  y&lt;1: (1−y)^β p^α log(1−p) ], α = 2, β = 4, N_pos = number of y = 1
    /// (at least 1). <paramref name="prediction"/> are probabilities, clamped to [ε, 1−ε] so the logs stay finite.
    /// </summary>
    public static Tensor CenterNetFocal(Tensor prediction, Tensor target, double alpha = 2, double beta = 4, double epsilon = 1e-4)
    {
        using var scope = new DisposeScope();
        var p = prediction.Clamp(epsilon, 1 - epsilon);
        var positive = target.Eq(1).To(prediction.DType);
        var negative = 1.0 - positive;
        var positiveLoss = p.Log() * (1.0 - p).Pow(alpha) * positive;
        var negativeLoss = (1.0 - p).Log() * p.Pow(alpha) * (1.0 - target).Pow(beta) * negative;
        var count = positive.Sum().Clamp(1, double.MaxValue);
        var loss = -(positiveLoss.Sum() + negativeLoss.Sum()) / count;
        return scope.MoveToOuter(loss);
    }
}
