namespace PoseLive.Training.Tensors;

/// <summary>
/// The loss of MoveNet's heads on <see cref="Pose.Codecs.MoveNetCodec"/> targets (CenterNet's multi-person pose loss
/// terms, each weight 1): penalty-reduced focal loss on the keypoint heatmaps (unlabelled keypoints' planes left out)
/// and on the unweighted person-centre map, and L1 on the centre→keypoint regression at the centre cell and on the
/// offsets over each keypoint's neighbourhood (heatmap target ≥ <see cref="Pose.Codecs.MoveNetCodec.OffsetSupport"/>),
/// both averaged over the labelled positions. The served-centre plane
/// (the last) is not trained: it is the centre map times the graph's fixed weighting.
/// </summary>
public static class MoveNetLoss
{
    /// <summary>The total and its four terms (heatmaps, centre, regression, offsets) for outputs and targets [N, 5K+2, H, W] and weights [N, K].</summary>
    public static (Tensor Total, Tensor Heatmaps, Tensor Centre, Tensor Regression, Tensor Offsets) Terms(Tensor prediction, Tensor target, Tensor weights)
    {
        using var scope = new DisposeScope();
        var s = prediction.Shape;
        long n = s[0], k = (s[1] - 2) / 5, h = s[2], w = s[3];
        if (s[1] != 5 * k + 2) throw new ArgumentException($"MoveNet outputs have 5K+2 planes, not {s[1]}", nameof(prediction));
        var heat = Losses.CenterNetFocal(prediction.Narrow(1, 0, k), target.Narrow(1, 0, k), planeWeight: weights);
        var centre = Losses.CenterNetFocal(prediction.Narrow(1, k, 1), target.Narrow(1, k, 1));

        // (y, x) pairs share their keypoint's weight; regression is read at the centre peak, offsets around each keypoint
        var pairWeights = Tensor.Cat([weights.Reshape(n, k, 1), weights.Reshape(n, k, 1)], 2).Reshape(n, 2 * k, 1, 1);
        var centrePeak = target.Narrow(1, k, 1).Eq(1).To(prediction.DType);
        var regressionMask = centrePeak * pairWeights;
        var neighbourhoods = target.Narrow(1, 0, k).Ge(Pose.Codecs.MoveNetCodec.OffsetSupport).To(prediction.DType).Reshape(n, k, 1, h, w);
        var offsetMask = Tensor.Cat([neighbourhoods, neighbourhoods], 2).Reshape(n, 2 * k, h, w) * pairWeights;
        var regression = Masked(prediction.Narrow(1, k + 1, 2 * k), target.Narrow(1, k + 1, 2 * k), regressionMask);
        var offsets = Masked(prediction.Narrow(1, 3 * k + 1, 2 * k), target.Narrow(1, 3 * k + 1, 2 * k), offsetMask);
        var total = heat + centre + regression + offsets;
        return (scope.MoveToOuter(total), scope.MoveToOuter(heat), scope.MoveToOuter(centre), scope.MoveToOuter(regression), scope.MoveToOuter(offsets));
    }

    public static Tensor Loss(Tensor prediction, Tensor target, Tensor weights)
    {
        var (total, heat, centre, regression, offsets) = Terms(prediction, target, weights);
        heat.Dispose(); centre.Dispose(); regression.Dispose(); offsets.Dispose();
        return total;
    }

    /// <summary>Σ |pred − target|·mask / (Σ mask + 1e-4), CenterNet's RegL1Loss normalisation.</summary>
    private static Tensor Masked(Tensor prediction, Tensor target, Tensor mask) =>
        ((prediction - target).Abs() * mask).Sum() / (mask.Sum() + 1e-4);
}
