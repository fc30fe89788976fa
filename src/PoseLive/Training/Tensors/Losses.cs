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
    /// <paramref name="planeWeight"/> [N, C] (optional) scales each plane's terms and positives: 0 leaves a plane out
    /// (a keypoint nobody labelled is neither a positive nor evidence of absence).
    /// </summary>
    public static Tensor CenterNetFocal(Tensor prediction, Tensor target, double alpha = 2, double beta = 4, double epsilon = 1e-4, Tensor? planeWeight = null)
    {
        using var scope = new DisposeScope();
        var p = prediction.Clamp(epsilon, 1 - epsilon);
        var positive = target.Eq(1).To(prediction.DType);
        var negative = 1.0 - positive;
        if (planeWeight is not null)
        {
            var s = prediction.Shape;
            var w = planeWeight.Reshape(s[0], s[1], 1, 1);
            positive = positive * w;
            negative = negative * w;
        }
        var positiveLoss = p.Log() * (1.0 - p).Pow(alpha) * positive;
        var negativeLoss = (1.0 - p).Log() * p.Pow(alpha) * (1.0 - target).Pow(beta) * negative;
        var count = positive.Sum().Clamp(1, float.MaxValue); // float32 tensors refuse a double bound
        var loss = -(positiveLoss.Sum() + negativeLoss.Sum()) / count;
        return scope.MoveToOuter(loss);
    }

    /// <summary>
    /// Per-sample, per-keypoint JointsMSE values [N, K]: ½·mean over H·W of (w·(pred − target))² (the terms OHKM ranks).
    /// </summary>
    public static Tensor JointsMsePerKeypoint(Tensor prediction, Tensor target, Tensor targetWeight)
    {
        using var scope = new DisposeScope();
        var s = prediction.Shape;
        var w = targetWeight.Reshape(s[0], s[1], 1, 1);
        var d = (prediction - target) * w;
        var perKeypoint = (d * d).Mean([2, 3]) * 0.5;
        return scope.MoveToOuter(perKeypoint);
    }

    /// <summary>
    /// Online hard keypoint mining (CPN; JointsOHKMMSELoss): per sample, the mean of its <paramref name="topK"/> largest
    /// per-keypoint JointsMSE values, averaged over the batch.
    /// </summary>
    public static Tensor JointsOhkmMse(Tensor prediction, Tensor target, Tensor targetWeight, int topK = 8)
    {
        using var scope = new DisposeScope();
        var perKeypoint = JointsMsePerKeypoint(prediction, target, targetWeight);
        var shape = perKeypoint.Shape;
        int n = (int)shape[0], k = (int)shape[1], top = Math.Min(topK, k);
        float[] values;
        using (Torch.NoGrad())
        using (var detached = perKeypoint.Detach())
            values = detached.ToFloats();
        var mask = new float[n * k];
        var order = new int[k];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < k; j++) order[j] = j;
            int row = i * k;
            Array.Sort(order, (a, b) => values[row + b].CompareTo(values[row + a]) is var c && c != 0 ? c : a.CompareTo(b));
            for (int j = 0; j < top; j++) mask[row + order[j]] = 1;
        }
        var selected = perKeypoint * Tensor.FromArray(mask, n, k);
        return scope.MoveToOuter(selected.Sum() / (double)(top * n));
    }

    /// <summary>
    /// The combined-target loss of UDP (heatmap + offset channels per keypoint, [N, 3K, H, W]): ½·MSE of the weighted
    /// heatmaps plus ½·MSE of each offset map, both offsets masked by the target heatmap (only pixels inside the disc
    /// learn offsets), as MMPose's CombinedTargetMSELoss.
    /// </summary>
    public static Tensor CombinedTargetMse(Tensor prediction, Tensor target, Tensor targetWeight)
    {
        using var scope = new DisposeScope();
        var s = prediction.Shape;
        long k = s[1] / 3;
        var p = prediction.Reshape(s[0], k, 3, s[2] * s[3]);
        var t = target.Reshape(s[0], k, 3, s[2] * s[3]);
        var w = targetWeight.Reshape(s[0], k, 1, 1);
        var heatP = p.Narrow(2, 0, 1) * w;
        var heatT = t.Narrow(2, 0, 1) * w;
        var loss = Functional.MseLoss(heatP, heatT) * 0.5;
        var mask = t.Narrow(2, 0, 1) * w;
        var offP = p.Narrow(2, 1, 2) * mask;
        var offT = t.Narrow(2, 1, 2) * mask;
        loss = loss + Functional.MseLoss(offP, offT);
        return scope.MoveToOuter(loss);
    }
}
