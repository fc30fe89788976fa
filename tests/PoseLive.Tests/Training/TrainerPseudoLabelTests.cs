using System.Text.Json;
using PoseLive.Tests.TestSupport;
using PoseLive.Training.Runs;

namespace PoseLive.Tests.Training;

/// <summary>CC-SSL's mixed step: loss = MSE(train batch) + λ·MSE(pseudo-labelled batch).</summary>
[Collection("libtorch")]
public class TrainerPseudoLabelTests
{
    private static double FirstLoss(string run)
    {
        using var doc = JsonDocument.Parse(File.ReadLines(Path.Combine(run, "metrics.jsonl")).First());
        return doc.RootElement.GetProperty("train_loss").GetDouble();
    }

    [Fact]
    public void The_pseudo_labelled_batch_adds_lambda_times_its_loss()
    {
        using var dir = new TestData.TempDir();
        var json = SyntheticPoseData.WriteStills(dir.Path, 8);
        // one step, the whole set in one batch, no augmentation: the pseudo batch is the same images (in another order), so
        // with BatchNorm over the whole batch its loss equals the train batch's and the step's loss is (1 + λ)·that
        var plain = TrainerTests.TinyRun(json, dir.File("plain"), 1) with { Batch = 8 };
        new Trainer(plain).Run(resume: false);
        var mixed = plain with { Output = dir.File("mixed"), Pseudo = json, PseudoWeight = 3 };
        new Trainer(mixed).Run(resume: false);
        double single = FirstLoss(plain.Output), both = FirstLoss(mixed.Output);
        Assert.True(single > 0);
        Assert.Equal(4 * single, both, 4 * single * 1e-4);
        // λ = 0: the pseudo batch adds nothing to the loss
        new Trainer(mixed with { Output = dir.File("zero"), PseudoWeight = 0 }).Run(resume: false);
        Assert.Equal(single, FirstLoss(dir.File("zero")), single * 1e-4);
    }

    [Fact]
    public void A_pseudo_label_file_with_nothing_kept_is_refused_naming_it()
    {
        using var dir = new TestData.TempDir();
        var json = SyntheticPoseData.WriteStills(dir.Path, 4);
        var empty = dir.File("none-kept.json");
        var gt = PoseLive.Coco.CocoReader.ReadGroundTruth(json);
        PoseLive.Coco.CocoWriter.WriteGroundTruth(empty, new PoseLive.Coco.CocoDataset(gt.Images,
            gt.Annotations.Select(a => a with { Keypoints = a.Keypoints.Select((v, i) => i % 3 == 2 ? 0f : v).ToArray(), NumKeypoints = 0 }).ToList(), gt.Categories));
        var e = Assert.Throws<PoseLive.Training.Data.DatasetException>(() =>
            new Trainer(TrainerTests.TinyRun(json, dir.File("run"), 1) with { Pseudo = empty, PseudoImages = dir.Path }).Run(resume: false));
        Assert.Contains("none-kept.json: no pseudo-labelled keypoint kept", e.Message);
        Assert.False(Directory.Exists(dir.File("run")));
    }
}
