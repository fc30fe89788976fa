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
    public void Thresholds_are_numpy_linspace_bit_for_bit()
    {
        // np.linspace(0, 1, 101)[i] is i*0.01: one ulp above i/100 exactly at these indices (numpy 1.24.2)
        int[] above = [35, 41, 47, 57, 69, 70, 82, 83, 94, 95];
        for (int i = 0; i <= 100; i++)
            Assert.Equal(above.Contains(i) ? Math.BitIncrement(i / 100.0) : i / 100.0, CocoKeypointEvaluator.RecallThresholds[i]);
        Assert.Equal(0.35000000000000003, CocoKeypointEvaluator.RecallThresholds[35]);
        // np.linspace(.5, .95, 10), as numpy 1.24.2 prints it
        Assert.Equal([0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.8999999999999999, 0.95], CocoKeypointEvaluator.OksThresholds);
    }

    [Fact]
    public void A_recall_of_exactly_035_does_not_reach_numpys_035_threshold()
    {
        // 60 people, one per image; 21 found exactly (OKS 1 at every threshold), no false positives:
        // recall climbs to 21/60 = 0.35 at precision 1. pycocotools' 36th recall threshold is 0.35000000000000003,
        // which 0.35 does not reach, so 35 of the 101 points have precision 1: AP = 35/101 (i/100 would give 36/101).
        var gts = Enumerable.Range(1, 60).Select(i => Gt(i, i, 10, 10, 60)).ToList();
        var results = gts.Take(21).Select((g, i) => Dt(g, 0.99 - i * 0.01)).ToList();
        var stats = new CocoKeypointEvaluator(Dataset(gts, [.. Enumerable.Range(1, 60).Select(i => (long)i)])).Evaluate(results);
        Assert.Equal(35.0 / 101, stats.AP, 1e-12);
        Assert.Equal(35.0 / 101, stats.AP50, 1e-12);
        Assert.Equal(35.0 / 101, stats.AP75, 1e-12);
        Assert.Equal(21.0 / 60, stats.AR, 1e-12);
    }

    [Fact]
    public void Score_ties_across_images_go_in_ascending_image_id_order()
    {
        // One GT in each of images 1 and 2; a miss in image 1 and a hit in image 2, both scored 0.5. pycocotools
        // concatenates the images in ascending id order and sorts stably, so the miss comes first: recall 0, 0.5 at
        // precision 0, 0.5 → 51 recall points at 0.5. Hit-first would give 51 points at 1. Result order must not matter.
        var gts = new[] { Gt(1, 1, 10, 10, 60), Gt(2, 2, 10, 10, 60) };
        var hitFirst = new CocoKeypointEvaluator(Dataset(gts, 2, 1)).Evaluate([Dt(gts[1], 0.5), Miss(1, 0.5)]);
        var missFirst = new CocoKeypointEvaluator(Dataset(gts, 1, 2)).Evaluate([Miss(1, 0.5), Dt(gts[1], 0.5)]);
        Assert.Equal(51 * 0.5 / 101, hitFirst.AP, 1e-12);
        Assert.Equal(hitFirst.ToArray(), missFirst.ToArray());
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
