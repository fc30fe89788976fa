namespace PoseLive.Training.Adaptation;

/// <summary>
/// CC-SSL's threshold schedule: at epoch e the share of all pseudo-label keypoint confidences kept is
/// 1 − p with p = 1 − slope·(e + offset), p floored at 1 − <see cref="MaxKept"/> (CCSSL.py: slope 0.02, offset 10, floor 0.2),
/// so the kept share rises from 20 % at epoch 0 to 80 % from epoch 30 on.
/// </summary>
public sealed record PseudoLabelSchedule(double Slope = 0.02, double Offset = 10, double MaxKept = 0.8)
{
    /// <summary>The fraction of keypoint confidences kept at <paramref name="epoch"/> (0-based).</summary>
    public double KeptFraction(int epoch)
    {
        if (epoch < 0) throw new ArgumentOutOfRangeException(nameof(epoch), epoch, "epochs count from 0");
        double p = 1 - Slope * (epoch + Offset);
        return 1 - Math.Max(p, 1 - MaxKept);
    }
}
