namespace PoseLive.Training.Adaptation;

/// <summary>
/// Keeps the most confident share of all pseudo-label keypoints (pooled over every image and keypoint, as CC-SSL pools
/// them): exactly round(fraction · count) keypoints, by rank, ties broken in order; kept keypoints get target weight 1,
/// the rest 0. A NaN confidence (no prediction) is neither counted nor kept.
/// </summary>
public static class PseudoLabelSelector
{
    /// <summary>Which confidences are kept; <paramref name="threshold"/> is the lowest kept confidence (+∞ when none).</summary>
    public static bool[] Select(ReadOnlySpan<float> confidences, double fraction, out float threshold)
    {
        if (fraction is < 0 or > 1 || double.IsNaN(fraction)) throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "a fraction in [0, 1]");
        int n = confidences.Length;
        int predicted = 0;
        foreach (var c in confidences) if (!float.IsNaN(c)) predicted++;
        int keep = (int)Math.Round(fraction * predicted, MidpointRounding.AwayFromZero);
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        var values = confidences.ToArray();
        // descending confidence, a NaN (no prediction) last, equal values in index order
        Array.Sort(order, (a, b) =>
        {
            float x = float.IsNaN(values[a]) ? float.NegativeInfinity : values[a], y = float.IsNaN(values[b]) ? float.NegativeInfinity : values[b];
            int c = y.CompareTo(x);
            return c != 0 ? c : a.CompareTo(b);
        });
        var kept = new bool[n];
        for (int r = 0; r < keep; r++) kept[order[r]] = true;
        threshold = keep > 0 ? values[order[keep - 1]] : float.PositiveInfinity;
        return kept;
    }
}
