using PoseLive.Pose;

namespace PoseLive.Coco;

/// <summary>
/// COCO keypoint evaluation with pycocotools semantics (COCOeval, iouType "keypoints"): OKS per
/// image and category on the top-20 detections by score; GTs ignored when crowd, without labelled
/// keypoints, or outside the area range; greedy matching per OKS threshold (0.50:0.05:0.95) preferring
/// non-ignored GTs; precision made monotone and sampled at 101 recall points; AR = final recall.
/// Detection areas come from the keypoints' extent, as loadRes computes them.
/// </summary>
public sealed class CocoKeypointEvaluator
{
    private const double Eps = 2.220446049250313e-16;
    /// <summary>np.linspace(.5, .95, 10), bit for bit (0.8999999999999999 at 8).</summary>
    public static readonly double[] OksThresholds = Linspace(0.5, 0.95, 10);
    /// <summary>np.linspace(0, 1, 101), bit for bit: i·0.01, one ulp above i/100 at i = 35, 41, 47, 57, 69, 70, 82, 83, 94, 95.</summary>
    public static readonly double[] RecallThresholds = Linspace(0, 1, 101);
    public static readonly (string Name, double Min, double Max)[] AreaRanges = [("all", 0, 1e10), ("medium", 32 * 32, 96 * 96), ("large", 96 * 96, 1e10)];

    private readonly CocoDataset _gt;
    private readonly Dictionary<int, double[]> _sigmas;

    /// <param name="sigmas">Per-category OKS sigmas; default: COCO's for 17-keypoint categories, the quadruped schema's for 18.</param>
    public CocoKeypointEvaluator(CocoDataset groundTruth, IReadOnlyDictionary<int, double[]>? sigmas = null, int maxDetections = 20)
    {
        _gt = groundTruth;
        MaxDetections = maxDetections;
        _sigmas = [];
        foreach (var c in groundTruth.Categories)
        {
            if (sigmas is not null && sigmas.TryGetValue(c.Id, out var s)) _sigmas[c.Id] = s;
            else if (c.Keypoints.Length == 17) _sigmas[c.Id] = KeypointSchema.Coco17.Sigmas;
            else if (c.Keypoints.Length == 18) _sigmas[c.Id] = KeypointSchema.Quadruped18.Sigmas;
            else if (c.Keypoints.Length > 0) throw new ArgumentException($"Category '{c.Name}' has {c.Keypoints.Length} keypoints: give its OKS sigmas.");
        }
    }

    public int MaxDetections { get; }

    private sealed record Det(CocoResult Result, double Area, int Order);

    private sealed record ImageEval(double[] Scores, int[,] Matched /* [T, D]: 1 matched */, bool[,] Ignored /* [T, D] */, bool[] GtIgnored);

    public CocoEvalStats Evaluate(IReadOnlyList<CocoResult> results)
    {
        var imageIds = _gt.Images.Select(i => i.Id).Order().ToArray();
        var categoryIds = _gt.Categories.Where(c => c.Keypoints.Length > 0).Select(c => c.Id).Order().ToArray();
        var known = imageIds.ToHashSet();
        foreach (var r in results)
            if (!known.Contains(r.ImageId)) throw new CocoFormatException($"results: image_id {r.ImageId} is not in the ground truth");
        var gtBy = _gt.Annotations.GroupBy(a => (a.ImageId, a.CategoryId)).ToDictionary(g => g.Key, g => g.ToList());
        var dtBy = results.Select((r, i) => new Det(r, KeypointExtentArea(r.Keypoints), i))
            .GroupBy(d => (d.Result.ImageId, d.Result.CategoryId)).ToDictionary(g => g.Key, g => g.ToList());

        int T = OksThresholds.Length, R = RecallThresholds.Length, K = categoryIds.Length, A = AreaRanges.Length;
        var precision = new double[T, R, K, A];
        var recall = new double[T, K, A];
        for (int t = 0; t < T; t++) for (int k = 0; k < K; k++) for (int a = 0; a < A; a++) { recall[t, k, a] = -1; for (int r = 0; r < R; r++) precision[t, r, k, a] = -1; }

        for (int k = 0; k < K; k++)
        {
            int cat = categoryIds[k];
            var perImage = imageIds.Select(img =>
            {
                var gts = gtBy.GetValueOrDefault((img, cat)) ?? [];
                var dts = (dtBy.GetValueOrDefault((img, cat)) ?? []).OrderByDescending(d => d.Result.Score).ThenBy(d => d.Order).Take(MaxDetections).ToList();
                return (Gts: gts, Dts: dts, Oks: ComputeOks(gts, dts, _sigmas[cat]));
            }).ToList();
            for (int a = 0; a < A; a++)
            {
                var evals = perImage.Select(p => EvaluateImage(p.Gts, p.Dts, p.Oks, AreaRanges[a].Min, AreaRanges[a].Max)).Where(e => e is not null).Select(e => e!).ToList();
                Accumulate(evals, k, a, precision, recall);
            }
        }

        double Mean(Func<int, int, int, int, double> get, int tFrom, int tTo, int rCount, int a)
        {
            double sum = 0;
            int n = 0;
            for (int t = tFrom; t < tTo; t++) for (int r = 0; r < rCount; r++) for (int k = 0; k < K; k++)
            {
                double v = get(t, r, k, a);
                if (v > -1) { sum += v; n++; }
            }
            return n == 0 ? -1 : sum / n;
        }
        double AP(int tFrom, int tTo, int a) => Mean((t, r, k, aa) => precision[t, r, k, aa], tFrom, tTo, R, a);
        double AR(int tFrom, int tTo, int a) => Mean((t, _, k, aa) => recall[t, k, aa], tFrom, tTo, 1, a);
        return new CocoEvalStats(AP(0, T, 0), AP(0, 1, 0), AP(5, 6, 0), AP(0, T, 1), AP(0, T, 2),
            AR(0, T, 0), AR(0, 1, 0), AR(5, 6, 0), AR(0, T, 1), AR(0, T, 2));
    }

    /// <summary>
    /// numpy.linspace(start, stop, num) as numpy computes it: step = (stop − start) / (num − 1), value i = i·step + start,
    /// and the last value exactly <paramref name="stop"/>.
    /// </summary>
    internal static double[] Linspace(double start, double stop, int num)
    {
        var values = new double[num];
        double step = (stop - start) / (num - 1);
        for (int i = 0; i < num; i++) values[i] = i * step + start;
        values[^1] = stop;
        return values;
    }

    /// <summary>Area of the box spanned by all keypoints (as pycocotools' loadRes).</summary>
    internal static double KeypointExtentArea(float[] k)
    {
        double x0 = double.MaxValue, x1 = double.MinValue, y0 = double.MaxValue, y1 = double.MinValue;
        for (int i = 0; i + 1 < k.Length; i += 3)
        {
            x0 = Math.Min(x0, k[i]); x1 = Math.Max(x1, k[i]);
            y0 = Math.Min(y0, k[i + 1]); y1 = Math.Max(y1, k[i + 1]);
        }
        return (x1 - x0) * (y1 - y0);
    }

    private static double[,] ComputeOks(List<CocoAnnotation> gts, List<Det> dts, double[] sigmas)
    {
        var ious = new double[dts.Count, gts.Count];
        for (int j = 0; j < gts.Count; j++)
        for (int i = 0; i < dts.Count; i++)
            ious[i, j] = Oks.Compute(dts[i].Result.Keypoints, gts[j].Keypoints, gts[j].Area, gts[j].Box, sigmas);
        return ious;
    }

    private ImageEval? EvaluateImage(List<CocoAnnotation> gts, List<Det> dts, double[,] oks, double minArea, double maxArea)
    {
        if (gts.Count == 0 && dts.Count == 0) return null;
        bool Ignored(CocoAnnotation g) => g.IsCrowd || g.NumKeypoints == 0 || g.Area < minArea || g.Area > maxArea;
        // non-ignored GTs first (stable), as pycocotools
        var gtOrder = Enumerable.Range(0, gts.Count).OrderBy(j => Ignored(gts[j]) ? 1 : 0).ToArray();
        var gtIgnored = gtOrder.Select(j => Ignored(gts[j])).ToArray();
        int T = OksThresholds.Length, D = dts.Count, G = gtOrder.Length;
        var gtMatched = new bool[T, G];
        var dtMatched = new int[T, D];
        var dtIgnored = new bool[T, D];
        for (int t = 0; t < T; t++)
        for (int d = 0; d < D; d++)
        {
            double best = Math.Min(OksThresholds[t], 1 - 1e-10);
            int m = -1;
            for (int g = 0; g < G; g++)
            {
                var gt = gts[gtOrder[g]];
                if (gtMatched[t, g] && !gt.IsCrowd) continue;          // already taken (crowds can match many)
                if (m > -1 && !gtIgnored[m] && gtIgnored[g]) break;     // a real match beats any ignored GT
                double v = oks[d, gtOrder[g]];
                if (v < best) continue;
                best = v;
                m = g;
            }
            if (m == -1) continue;
            dtIgnored[t, d] = gtIgnored[m];
            dtMatched[t, d] = 1;
            gtMatched[t, m] = true;
        }
        for (int d = 0; d < D; d++)
        {
            bool outside = dts[d].Area < minArea || dts[d].Area > maxArea;
            for (int t = 0; t < T; t++)
                if (dtMatched[t, d] == 0 && outside) dtIgnored[t, d] = true;
        }
        return new ImageEval(dts.Select(d => d.Result.Score).ToArray(), dtMatched, dtIgnored, gtIgnored);
    }

    private void Accumulate(List<ImageEval> evals, int k, int a, double[,,,] precision, double[,,] recall)
    {
        if (evals.Count == 0) return;
        int npig = evals.Sum(e => e.GtIgnored.Count(ig => !ig));
        if (npig == 0) return;
        // all detections of all images, by score (stable: image order, then score order within the image)
        var all = evals.SelectMany(e => Enumerable.Range(0, e.Scores.Length).Select(d => (Eval: e, D: d, Score: e.Scores[d])))
            .OrderByDescending(x => x.Score).ToList();
        int T = OksThresholds.Length, nd = all.Count;
        var rc = new double[nd];
        var pr = new double[nd];
        for (int t = 0; t < T; t++)
        {
            double tp = 0, fp = 0;
            for (int i = 0; i < nd; i++)
            {
                var (e, d, _) = all[i];
                bool matched = e.Matched[t, d] == 1, ignored = e.Ignored[t, d];
                if (matched && !ignored) tp++;
                else if (!matched && !ignored) fp++;
                rc[i] = tp / npig;
                pr[i] = tp / (fp + tp + Eps);
            }
            recall[t, k, a] = nd > 0 ? rc[nd - 1] : 0;
            for (int i = nd - 1; i > 0; i--) if (pr[i] > pr[i - 1]) pr[i - 1] = pr[i];
            for (int r = 0; r < RecallThresholds.Length; r++)
            {
                int pi = LowerBound(rc, nd, RecallThresholds[r]);
                precision[t, r, k, a] = pi < nd ? pr[pi] : 0;
            }
        }
    }

    /// <summary>numpy searchsorted(side='left'): first index with rc[i] ≥ value.</summary>
    private static int LowerBound(double[] rc, int n, double value)
    {
        int lo = 0, hi = n;
        while (lo < hi)
        {
            int mid = (lo + hi) >> 1;
            if (rc[mid] < value) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
