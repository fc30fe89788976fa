using PoseLive.Pose;

namespace PoseLive.Coco;

/// <summary>What a PCK distance is divided by.</summary>
public enum PckNormalization
{
    /// <summary>The larger side of the GT box.</summary>
    BoxSize,
    /// <summary>The distance between two GT keypoints (e.g. shoulder and hip); instances missing either are skipped.</summary>
    KeypointDistance,
    /// <summary>A fixed length in pixels.</summary>
    Fixed,
}

/// <summary>PCK result: overall accuracy over all labelled keypoints, per-keypoint PCK, and their mean (they differ; report which).</summary>
public sealed record PckResult(double Accuracy, double MeanPerKeypoint, double[] PerKeypoint, int[] Counts);

/// <summary>
/// PCK@α: a labelled GT keypoint counts as correct when its prediction lies within α × the
/// normalising length. Predictions are paired with GTs per image greedily by OKS; labelled keypoints of
/// an unpaired GT count as misses. Crowd GTs and GTs without labelled keypoints are skipped.
/// </summary>
public static class PckEvaluator
{
    public static PckResult Evaluate(CocoDataset groundTruth, IReadOnlyList<CocoResult> results, double alpha, PckNormalization normalization,
        double fixedLength = 0, (int A, int B)? normalizingPair = null, double[]? sigmas = null)
    {
        var category = groundTruth.Categories.First(c => c.Keypoints.Length > 0);
        int k = category.Keypoints.Length;
        sigmas ??= k == 17 ? KeypointSchema.Coco17.Sigmas : k == 18 ? KeypointSchema.Quadruped18.Sigmas : Enumerable.Repeat(0.089, k).ToArray();
        if (normalization == PckNormalization.KeypointDistance && normalizingPair is null) throw new ArgumentException("KeypointDistance needs a keypoint pair.");
        if (normalization == PckNormalization.Fixed && !(fixedLength > 0)) throw new ArgumentException("Fixed normalisation needs a positive length.");
        var correct = new int[k];
        var counts = new int[k];
        var dtsByImage = results.Where(r => r.CategoryId == category.Id).GroupBy(r => r.ImageId).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var group in groundTruth.Annotations.Where(a => a.CategoryId == category.Id && !a.IsCrowd && a.NumKeypoints > 0).GroupBy(a => a.ImageId))
        {
            var gts = group.ToList();
            var dts = dtsByImage.GetValueOrDefault(group.Key) ?? [];
            var pairs = new List<(double Oks, int G, int D)>();
            for (int g = 0; g < gts.Count; g++)
                for (int d = 0; d < dts.Count; d++)
                    pairs.Add((Oks.Compute(dts[d].Keypoints, gts[g].Keypoints, gts[g].Area, gts[g].Box, sigmas), g, d));
            var gtToDt = new int[gts.Count];
            Array.Fill(gtToDt, -1);
            var dtUsed = new bool[dts.Count];
            foreach (var (_, g, d) in pairs.OrderByDescending(p => p.Oks))
                if (gtToDt[g] == -1 && !dtUsed[d]) { gtToDt[g] = d; dtUsed[d] = true; }
            for (int g = 0; g < gts.Count; g++)
            {
                var gt = gts[g].Keypoints;
                double length = normalization switch
                {
                    PckNormalization.BoxSize => Math.Max(gts[g].Box.Width, gts[g].Box.Height),
                    PckNormalization.Fixed => fixedLength,
                    _ => gt[3 * normalizingPair!.Value.A + 2] > 0 && gt[3 * normalizingPair.Value.B + 2] > 0
                        ? Math.Sqrt(Sq(gt[3 * normalizingPair.Value.A] - gt[3 * normalizingPair.Value.B]) + Sq(gt[3 * normalizingPair.Value.A + 1] - gt[3 * normalizingPair.Value.B + 1]))
                        : 0,
                };
                if (!(length > 0)) continue;
                var dt = gtToDt[g] >= 0 ? dts[gtToDt[g]].Keypoints : null;
                for (int j = 0; j < k; j++)
                {
                    if (!(gt[3 * j + 2] > 0)) continue;
                    counts[j]++;
                    if (dt is not null && Math.Sqrt(Sq(dt[3 * j] - gt[3 * j]) + Sq(dt[3 * j + 1] - gt[3 * j + 1])) <= alpha * length) correct[j]++;
                }
            }
        }
        var per = Enumerable.Range(0, k).Select(j => counts[j] == 0 ? double.NaN : (double)correct[j] / counts[j]).ToArray();
        int total = counts.Sum();
        var defined = per.Where(v => !double.IsNaN(v)).ToArray();
        return new PckResult(total == 0 ? double.NaN : (double)correct.Sum() / total, defined.Length == 0 ? double.NaN : defined.Average(), per, counts);
    }

    private static double Sq(double v) => v * v;
}
