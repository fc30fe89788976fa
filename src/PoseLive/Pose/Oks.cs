namespace PoseLive.Pose;

/// <summary>
/// Object keypoint similarity as COCO defines it: OKS = mean over labelled GT keypoints of
/// exp(−d² / (2σ)² / (area + ε) / 2), with area the annotation's area field.
/// </summary>
public static class Oks
{
    private const double Eps = 2.220446049250313e-16; // numpy's spacing(1), as pycocotools

    /// <summary>
    /// OKS of a detection against a ground truth (COCO computeOks): <paramref name="gt"/> is (x, y, v)
    /// triplets; when the GT has no labelled keypoint, distances are to the box twice the GT box
    /// (<paramref name="gtBox"/>) and all keypoints count.
    /// </summary>
    public static double Compute(ReadOnlySpan<float> detection, ReadOnlySpan<float> gt, double gtArea, BoundingBox gtBox, ReadOnlySpan<double> sigmas)
    {
        int k = sigmas.Length;
        if (detection.Length != 3 * k || gt.Length != 3 * k) throw new ArgumentException($"Keypoint arrays must hold {k}×3 values.");
        int labelled = 0;
        for (int i = 0; i < k; i++) if (gt[3 * i + 2] > 0) labelled++;
        double x0 = gtBox.X - gtBox.Width, x1 = gtBox.X + gtBox.Width * 2, y0 = gtBox.Y - gtBox.Height, y1 = gtBox.Y + gtBox.Height * 2;
        double sum = 0;
        int n = 0;
        for (int i = 0; i < k; i++)
        {
            double dx, dy;
            double xd = detection[3 * i], yd = detection[3 * i + 1];
            if (labelled > 0)
            {
                if (!(gt[3 * i + 2] > 0)) continue;
                dx = xd - gt[3 * i];
                dy = yd - gt[3 * i + 1];
            }
            else
            {
                dx = Math.Max(0, x0 - xd) + Math.Max(0, xd - x1);
                dy = Math.Max(0, y0 - yd) + Math.Max(0, yd - y1);
            }
            double var = 4.0 * sigmas[i] * sigmas[i];
            double e = (dx * dx + dy * dy) / var / (gtArea + Eps) / 2;
            sum += Math.Exp(-e);
            n++;
        }
        return n == 0 ? 0 : sum / n;
    }

    /// <summary>
    /// OKS between two predictions (SimpleBaseline's oks_iou for NMS): the area is the mean of the two
    /// instances' areas and only keypoints whose scores both exceed <paramref name="minScore"/> count.
    /// </summary>
    public static double Between(ReadOnlySpan<Keypoint> a, double areaA, ReadOnlySpan<Keypoint> b, double areaB, ReadOnlySpan<double> sigmas, float minScore = 0.2f)
    {
        double area = (areaA + areaB) / 2 + Eps, sum = 0;
        int n = 0;
        for (int i = 0; i < sigmas.Length; i++)
        {
            if (!(a[i].Score > minScore && b[i].Score > minScore) || a[i].IsMissing || b[i].IsMissing) continue;
            double dx = a[i].X - b[i].X, dy = a[i].Y - b[i].Y;
            sum += Math.Exp(-(dx * dx + dy * dy) / (4.0 * sigmas[i] * sigmas[i]) / area / 2);
            n++;
        }
        return n == 0 ? 0 : sum / n;
    }
}

/// <summary>A predicted person for rescoring and NMS: keypoints, the detector's box score and the box area.</summary>
public sealed record PosePrediction(Keypoint[] Keypoints, float BoxScore, double Area)
{
    /// <summary>Top-down rescoring: box score × mean of the keypoint scores above <paramref name="minScore"/> (0 when none).</summary>
    public float Rescored(float minScore = 0.2f) => Rescore(Keypoints, BoxScore, minScore);

    /// <summary><see cref="Rescored"/> of these keypoints and box score, without a prediction object.</summary>
    public static float Rescore(ReadOnlySpan<Keypoint> keypoints, float boxScore, float minScore = 0.2f)
    {
        double sum = 0;
        int n = 0;
        foreach (var k in keypoints)
            if (!k.IsMissing && k.Score > minScore) { sum += k.Score; n++; }
        return n == 0 ? 0 : (float)(boxScore * sum / n);
    }
}

/// <summary>OKS-based non-maximum suppression of predicted people.</summary>
public static class OksNms
{
    /// <summary>
    /// Indices of the predictions kept, best first: repeatedly keep the highest score and drop every
    /// other prediction whose OKS with it exceeds <paramref name="threshold"/> (0.9 for top-down COCO).
    /// </summary>
    public static List<int> Suppress(IReadOnlyList<PosePrediction> predictions, IReadOnlyList<float> scores, ReadOnlySpan<double> sigmas,
        double threshold = 0.9, float minScore = 0.2f)
    {
        var order = Enumerable.Range(0, predictions.Count).OrderByDescending(i => scores[i]).ThenBy(i => i).ToList();
        var keep = new List<int>();
        var removed = new bool[predictions.Count];
        foreach (var i in order)
        {
            if (removed[i]) continue;
            keep.Add(i);
            foreach (var j in order)
            {
                if (j == i || removed[j] || keep.Contains(j)) continue;
                if (Oks.Between(predictions[i].Keypoints, predictions[i].Area, predictions[j].Keypoints, predictions[j].Area, sigmas, minScore) > threshold)
                    removed[j] = true;
            }
        }
        return keep;
    }
}
