using PoseLive.Pose;

namespace PoseLive.Training.Adaptation;

/// <summary>
/// How many pseudo-label keypoints lie within 0.05 and 0.1 of the truth, the distance normalised by the truth's size
/// (the box's longer side, as PCK): the benchmark's pseudo-label precision, counted over the kept keypoints and, to show
/// what the confidence threshold adds, over every labelled keypoint.
/// </summary>
internal sealed class PseudoLabelPrecision
{
    public int Judged { get; private set; }
    public int Within05 { get; private set; }
    public int Within10 { get; private set; }

    public double? Precision05 => Judged > 0 ? (double)Within05 / Judged : null;
    public double? Precision10 => Judged > 0 ? (double)Within10 / Judged : null;

    /// <summary>Counts one keypoint; a missing label or truth is not judged.</summary>
    public void Add(Keypoint label, Keypoint truth, double size)
    {
        if (label.IsMissing || truth.IsMissing || !(size > 0)) return;
        double d = Math.Sqrt((label.X - truth.X) * (label.X - truth.X) + (label.Y - truth.Y) * (label.Y - truth.Y)) / size;
        Judged++;
        if (d <= 0.05) Within05++;
        if (d <= 0.1) Within10++;
    }
}
