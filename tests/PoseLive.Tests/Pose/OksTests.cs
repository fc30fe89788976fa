using PoseLive.Pose;

namespace PoseLive.Tests.Pose;

/// <summary>OKS (pycocotools computeOks semantics), OKS-NMS and top-down rescoring.</summary>
public class OksTests
{
    private static readonly double[] Sigmas = KeypointSchema.Coco17.Sigmas;

    private static float[] Triplets(params (float X, float Y, float V)[] k)
    {
        var a = new float[51];
        for (int i = 0; i < k.Length; i++) (a[3 * i], a[3 * i + 1], a[3 * i + 2]) = k[i];
        return a;
    }

    [Fact]
    public void Perfect_detection_has_oks_one()
    {
        var gt = Triplets((10, 20, 2), (30, 40, 1), (50, 60, 2));
        Assert.Equal(1.0, Oks.Compute(gt, gt, 400, new BoundingBox(0, 0, 60, 70), Sigmas), 12);
    }

    [Fact]
    public void Oks_matches_the_formula_by_hand_and_ignores_unlabelled_keypoints()
    {
        var gt = Triplets((10, 20, 2), (30, 40, 0));
        var dt = Triplets((13, 24, 1), (999, 999, 1));                     // the second point is unlabelled in the GT
        double e = 25.0 / (4 * 0.026 * 0.026) / 900 / 2;                    // d² = 3² + 4², area 900
        Assert.Equal(Math.Exp(-e), Oks.Compute(dt, gt, 900, new BoundingBox(0, 0, 30, 30), Sigmas), 12);
    }

    [Fact]
    public void Gt_without_labelled_keypoints_measures_to_twice_its_box()
    {
        var gt = new float[51];
        var box = new BoundingBox(100, 100, 10, 10);                         // doubled box spans x,y ∈ [90, 120]
        var inside = Triplets(Enumerable.Repeat((105f, 110f, 1f), 17).ToArray());
        Assert.Equal(1.0, Oks.Compute(inside, gt, 100, box, Sigmas), 12);
        var outside = Triplets(Enumerable.Repeat((125f, 110f, 1f), 17).ToArray()); // 5 px right of the doubled box
        double expected = Sigmas.Select(s => Math.Exp(-25.0 / (4 * s * s) / 100 / 2)).Average();
        Assert.Equal(expected, Oks.Compute(outside, gt, 100, box, Sigmas), 12);
    }

    [Fact]
    public void Oks_nms_drops_near_duplicates_and_keeps_distinct_people()
    {
        Keypoint[] Person(float dx) => Enumerable.Range(0, 17).Select(i => new Keypoint(100 + dx + i * 3, 100 + i * 5, 0.9f)).ToArray();
        var preds = new List<PosePrediction> { new(Person(0), 0.9f, 5000), new(Person(0.5f), 0.95f, 5000), new(Person(200), 0.5f, 5000) };
        var keep = OksNms.Suppress(preds, preds.Select(p => p.BoxScore).ToList(), Sigmas);
        Assert.Equal([1, 2], keep); // the higher-scored duplicate survives, then the distinct person
    }

    [Fact]
    public void Rescoring_multiplies_box_score_by_the_mean_confident_keypoint_score()
    {
        var kps = new[] { new Keypoint(0, 0, 0.9f), new Keypoint(0, 0, 0.5f), new Keypoint(0, 0, 0.1f), Keypoint.Missing };
        Assert.Equal(0.8f * 0.7f, new PosePrediction(kps, 0.8f, 1).Rescored(), 6);
        Assert.Equal(0f, new PosePrediction([new Keypoint(0, 0, 0.1f)], 0.8f, 1).Rescored());
    }
}
