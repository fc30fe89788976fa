using PoseLive.Coco;
using static PoseLive.Tests.Coco.CocoScenes;

namespace PoseLive.Tests.Coco;

public class PckEvaluatorTests
{
    [Fact]
    public void Pck_counts_keypoints_within_alpha_times_the_box_size()
    {
        var gt = Gt(1, 1, 10, 10, 100);                       // box size 100 → α = 0.05 allows 5 px
        var k = Dt(gt, 0.9).Keypoints.ToArray();
        for (int i = 0; i < 5; i++) k[3 * i] += 4.9f;          // 5 keypoints just inside
        for (int i = 5; i < 9; i++) k[3 * i] += 5.1f;          // 4 just outside
        var result = PckEvaluator.Evaluate(Dataset([gt], 1), [new CocoResult(1, 1, k, 0.9)], 0.05, PckNormalization.BoxSize);
        Assert.Equal(13.0 / 17, result.Accuracy, 12);
        Assert.Equal(1.0, result.PerKeypoint[0]);
        Assert.Equal(0.0, result.PerKeypoint[5]);
        Assert.All(result.Counts, c => Assert.Equal(1, c));
    }

    [Fact]
    public void Unmatched_gts_count_as_misses_and_normalisation_by_keypoint_pair_works()
    {
        var a = Gt(1, 1, 10, 10, 100);
        var b = Gt(2, 1, 300, 10, 100);
        var result = PckEvaluator.Evaluate(Dataset([a, b], 1), [Dt(a, 0.9, 1, 0)], 0.5, PckNormalization.KeypointDistance, normalizingPair: (5, 11));
        Assert.Equal(0.5, result.Accuracy, 12);
        Assert.Equal(0.5, result.MeanPerKeypoint, 12);
    }
}
