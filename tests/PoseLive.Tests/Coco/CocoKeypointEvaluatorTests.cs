using FsCheck;
using FsCheck.Fluent;
using PoseLive.Coco;
using static PoseLive.Tests.Coco.CocoScenes;

namespace PoseLive.Tests.Coco;

/// <summary>Cases whose COCO AP/AR is known exactly, and properties every correct evaluator has.</summary>
public class CocoKeypointEvaluatorTests
{
    [Fact]
    public void Perfect_detections_score_one_everywhere_defined()
    {
        var gts = new[] { Gt(1, 1, 10, 10, 60), Gt(2, 1, 200, 10, 150), Gt(3, 2, 50, 50, 70) }; // medium, large, medium
        var stats = new CocoKeypointEvaluator(Dataset(gts, 1, 2)).Evaluate(gts.Select((g, i) => Dt(g, 0.5 + i * 0.1)).ToList());
        Assert.All(stats.ToArray(), v => Assert.Equal(1.0, v, 12));
    }

    [Fact]
    public void Shuffled_ids_and_result_order_change_nothing()
    {
        var gts = new[] { Gt(907, 42, 10, 10, 60), Gt(3, 7, 200, 10, 150), Gt(55, 42, 300, 300, 80) };
        var results = new[] { Dt(gts[2], 0.7, 2, 1), Dt(gts[0], 0.9, 1, 3), Dt(gts[1], 0.8, -4, 2), Miss(7, 0.85) };
        var a = new CocoKeypointEvaluator(Dataset(gts, 42, 7)).Evaluate(results);
        var b = new CocoKeypointEvaluator(Dataset(gts.Reverse(), 7, 42)).Evaluate(results.Reverse().ToList());
        Assert.Equal(a.ToArray(), b.ToArray());
        Assert.True(a.AP is > 0.5 and < 1);
    }

    [Fact]
    public void Known_precision_recall_curve_gives_the_exact_ap()
    {
        // 2 GTs; detections by score: TP, FP, TP → recall .5, .5, 1; precision 1, .5, 2/3 → monotone 1, 2/3, 2/3
        var gts = new[] { Gt(1, 1, 10, 10, 60), Gt(2, 1, 200, 10, 60) };
        var stats = new CocoKeypointEvaluator(Dataset(gts, 1)).Evaluate([Dt(gts[0], 0.9), Miss(1, 0.8), Dt(gts[1], 0.7)]);
        double expected = (51 * 1.0 + 50 * (2.0 / 3)) / 101;   // recall points 0..0.50 at precision 1, 0.51..1 at 2/3
        Assert.Equal(expected, stats.AP, 12);
        Assert.Equal(expected, stats.AP50, 12);
        Assert.Equal(1.0, stats.AR, 12);
    }

    [Fact]
    public void Crowd_and_unlabelled_gts_are_ignored_and_detections_on_them_do_not_count()
    {
        var real = Gt(1, 1, 10, 10, 60);
        var crowd = Gt(2, 1, 200, 10, 60, crowd: true);
        var empty = Gt(3, 1, 400, 10, 60, labelled: 0);
        var onlyReal = new CocoKeypointEvaluator(Dataset([real], 1)).Evaluate([Dt(real, 0.9)]);
        var withIgnored = new CocoKeypointEvaluator(Dataset([real, crowd, empty], 1)).Evaluate([Dt(real, 0.9), Dt(crowd, 0.95)]);
        Assert.Equal(1.0, onlyReal.AP, 12);
        Assert.Equal(onlyReal.ToArray(), withIgnored.ToArray()); // the crowd match is neither TP nor FP; nobody must find the ignored GTs
    }

    [Fact]
    public void Only_the_top_twenty_detections_of_an_image_count()
    {
        var gt = Gt(1, 1, 10, 10, 60);
        var nineteenWrong = Enumerable.Range(0, 19).Select(i => Miss(1, 0.9 - i * 0.01)).Append(Dt(gt, 0.1)).ToList();
        var twentyFourWrong = Enumerable.Range(0, 24).Select(i => Miss(1, 0.9 - i * 0.01)).Append(Dt(gt, 0.1)).ToList();
        var inTop20 = new CocoKeypointEvaluator(Dataset([gt], 1)).Evaluate(nineteenWrong);
        var cut = new CocoKeypointEvaluator(Dataset([gt], 1)).Evaluate(twentyFourWrong);
        Assert.Equal(1.0 / 20, inTop20.AP, 12);  // found at rank 20: precision 1/20 at recall 1
        Assert.Equal(1.0, inTop20.AR, 12);
        Assert.Equal(0.0, cut.AP, 12);           // rank 25 is beyond maxDets
        Assert.Equal(0.0, cut.AR, 12);
    }

    [Fact]
    public void Medium_and_large_are_split_by_gt_area()
    {
        var medium = Gt(1, 1, 10, 10, 60);    // 3600 px²
        var large = Gt(2, 1, 200, 10, 150);   // 22500 px²
        var stats = new CocoKeypointEvaluator(Dataset([medium, large], 1)).Evaluate([Dt(large, 0.9)]);
        Assert.Equal(51.0 / 101, stats.AP, 12); // recall reaches only 0.5 overall
        Assert.Equal(0.5, stats.AR, 12);
        Assert.Equal(0.0, stats.APMedium, 12);
        Assert.Equal(1.0, stats.APLarge, 12);
        Assert.Equal(0.0, stats.ARMedium, 12);
        Assert.Equal(1.0, stats.ARLarge, 12);
        var noMedium = new CocoKeypointEvaluator(Dataset([large], 1)).Evaluate([Dt(large, 0.9)]);
        Assert.Equal(-1, noMedium.APMedium);   // no medium GT at all: undefined, as pycocotools
    }

    [Fact]
    public void Oks_thresholds_grade_an_offset_detection()
    {
        var gt = Gt(1, 1, 10, 10, 60);
        var near = new CocoKeypointEvaluator(Dataset([gt], 1)).Evaluate([Dt(gt, 0.9, 2.5f, 0)]);
        Assert.Equal(1.0, near.AP50, 12);
        Assert.True(near.AP < 1 && near.AP > 0.1, $"AP {near.AP}");   // fails the strictest thresholds only
        Assert.Throws<CocoFormatException>(() => new CocoKeypointEvaluator(Dataset([gt], 1)).Evaluate([Dt(Gt(9, 99, 0, 0, 10), 0.5)]));
    }

    // ---- properties (FsCheck) -----------------------------------------------------------------------

    public sealed record Scene(List<CocoAnnotation> Gts, List<CocoResult> Dts, long[] Images);

    private static Gen<Scene> Scenes() =>
        from images in Gen.Choose(1, 4)
        from gtSizes in Gen.ListOf(Gen.Choose(40, 160), images)
        from noise in Gen.ListOf(Gen.Choose(0, 40), images)
        from extra in Gen.Choose(0, 5)
        from order in Gen.Shuffle(Enumerable.Range(0, images + extra).ToArray())
        select Build(images, gtSizes.ToArray(), noise.ToArray(), extra, order);

    private static Scene Build(int images, int[] sizes, int[] noise, int extra, int[] scoreRank)
    {
        var gts = Enumerable.Range(0, images).Select(i => Gt(i + 1, i + 1, 20, 20, sizes[i])).ToList();
        var dts = new List<CocoResult>();
        for (int i = 0; i < images; i++) dts.Add(Dt(gts[i], 0.1 + 0.01 * scoreRank[i], noise[i] / 4f, -noise[i] / 8f));
        for (int e = 0; e < extra; e++) dts.Add(Miss(1 + e % images, 0.1 + 0.01 * scoreRank[images + e]));
        return new Scene(gts, dts, Enumerable.Range(1, images).Select(i => (long)i).ToArray());
    }

    [Fact]
    public void Ap_is_invariant_to_result_order()
    {
        Prop.ForAll(Arb.From(Scenes()), scene =>
        {
            var evaluator = new CocoKeypointEvaluator(Dataset(scene.Gts, scene.Images));
            var forward = evaluator.Evaluate(scene.Dts).ToArray();
            var backward = evaluator.Evaluate(Enumerable.Reverse(scene.Dts).ToList()).ToArray();
            return forward.SequenceEqual(backward);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Moving_a_detection_away_from_its_gt_never_raises_ap()
    {
        Prop.ForAll(Arb.From(Scenes()), Arb.From(Gen.Choose(1, 30)), (scene, push) =>
        {
            var evaluator = new CocoKeypointEvaluator(Dataset(scene.Gts, scene.Images));
            double before = evaluator.Evaluate(scene.Dts).AP;
            var moved = scene.Dts.ToList();
            var gt = scene.Gts[0];
            int index = moved.FindIndex(d => d.ImageId == gt.ImageId && Math.Abs(d.Keypoints[0] - gt.Keypoints[0]) < 50);
            var d = moved[index];
            var k = d.Keypoints.ToArray();
            for (int i = 0; i < 17; i++) { k[3 * i] = gt.Keypoints[3 * i] + (k[3 * i] - gt.Keypoints[3 * i]) + push; } // further along +x
            moved[index] = d with { Keypoints = k };
            double after = evaluator.Evaluate(moved).AP;
            return after <= before + 1e-12;
        }).QuickCheckThrowOnFailure();
    }
}
