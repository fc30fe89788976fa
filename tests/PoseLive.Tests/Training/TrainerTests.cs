using PoseLive.Coco;
using PoseLive.Tests.TestSupport;
using PoseLive.Training.Checkpoints;
using PoseLive.Training.Runs;

namespace PoseLive.Tests.Training;

[Collection("libtorch")]
public class TrainerTests
{
    internal static TrainingOptions TinyRun(string json, string output, int epochs) => new()
    {
        Train = json, Validation = json, Net = "tiny", InputWidth = 128, InputHeight = 128, Epochs = epochs, Batch = 8,
        LearningRate = 5e-3, Schedule = "constant", Augmentation = "none", Workers = 2, Threads = 2, Seed = 1, Output = output,
        ValidateEvery = 1000,
    };

    private sealed class CancelAfter(CancellationTokenSource cts, int epoch, int batch) : ITrainingObserver
    {
        public void Step(StepReport step) { if (step.Epoch == epoch && step.Batch == batch) cts.Cancel(); }
    }

    [Fact]
    public void ASmallNetOverfitsATinyDatasetThroughTheRealLoader()
    {
        using var dir = new TestData.TempDir();
        var json = SyntheticPoseData.WriteStills(dir.Path, 16);
        var run = dir.File("run");
        // 16 images, 4 per batch, 100 epochs (400 Adam steps), no augmentation: the tiny net memorises the discs
        var opts = TinyRun(json, run, 100) with { Sigma = 2, LearningRate = 2e-3, Schedule = "constant", Batch = 4 };
        var summary = new Trainer(opts).Run(resume: false);
        Assert.False(summary.Interrupted);
        var records = File.ReadAllLines(Path.Combine(run, "metrics.jsonl"));
        Assert.Equal(opts.Epochs, records.Length);
        Assert.Equal("ap", summary.MetricName);
        Assert.True(summary.BestMetric >= 0.95, $"AP on its own images {summary.BestMetric:F4} < 0.95; last epochs: {string.Join(" | ", records.TakeLast(2))}");
        Assert.True(File.Exists(Path.Combine(run, "best.pth")));
        foreach (var png in new[] { "loss.png", "val.png", "pck_per_keypoint.png" }) Assert.True(File.Exists(Path.Combine(run, png)), png);
        // best.pth is what torch.load reads: a state_dict nested in the training checkpoint
        var weights = PthReader.Read(Path.Combine(run, "best.pth"));
        Assert.Contains(weights, t => t.Name == "body.15.weight");
    }

    [Fact]
    public void AResumedRunEndsWithTheWeightsOfAnUninterruptedOne()
    {
        using var dir = new TestData.TempDir();
        var json = SyntheticPoseData.WriteStills(dir.Path, 12);
        var whole = dir.File("whole");
        new Trainer(TinyRun(json, whole, 3)).Run(resume: false);

        var split = dir.File("split");
        var first = new Trainer(TinyRun(json, split, 3) with { StopAfterEpochs = 1 }).Run(resume: false);
        Assert.True(first.Interrupted);
        Assert.Equal(1, first.EpochsCompleted);
        new Trainer(TinyRun(json, split, 3)).Run(resume: true);

        var stopped = dir.File("stopped"); // Ctrl-C after the first step of epoch 2: the step finishes, last.pth is written mid-epoch
        using (var cts = new CancellationTokenSource())
        {
            var s = new Trainer(TinyRun(json, stopped, 3), new CancelAfter(cts, epoch: 1, batch: 0)).Run(resume: false, cts.Token);
            Assert.True(s.Interrupted);
        }
        new Trainer(TinyRun(json, stopped, 3)).Run(resume: true);

        var expected = PthReader.Read(Path.Combine(whole, "last.pth"));
        foreach (var other in new[] { split, stopped })
        {
            var got = PthReader.Read(Path.Combine(other, "last.pth"));
            Assert.Equal(expected.Select(t => t.Name), got.Select(t => t.Name));
            for (int i = 0; i < expected.Count; i++)
                Assert.True(expected[i].ToFloats().AsSpan().SequenceEqual(got[i].ToFloats()), $"{other}: {expected[i].Name} differs from the uninterrupted run");
        }
        // the records agree too: every epoch's loss and rate (throughput and times are wall-clock)
        static string[] Losses(string run) => File.ReadAllLines(Path.Combine(run, "metrics.jsonl"))
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).Select(e => $"{e.GetProperty("epoch")} {e.GetProperty("train_loss")} {e.GetProperty("lr")} {e.GetProperty("steps")}").ToArray();
        Assert.Equal(Losses(whole), Losses(split));
        Assert.Equal(Losses(whole), Losses(stopped));
    }

    private sealed class EpochCounter : ITrainingObserver
    {
        public int Epochs;
        public void EpochFinished(EpochRecord record) => Epochs = record.Epoch;
    }

    [Fact]
    public void ANonFiniteLossStopsTheRunAndKeepsTheLastGoodCheckpoint()
    {
        using var dir = new TestData.TempDir();
        var json = SyntheticPoseData.WriteStills(dir.Path, 8);
        var run = dir.File("run");
        new Trainer(TinyRun(json, run, 1)).Run(resume: false);
        var counter = new EpochCounter { Epochs = 1 };
        var e = Assert.Throws<TrainingDivergedException>(() => new Trainer(TinyRun(json, run, 6) with { LearningRate = 1e30 }, counter).Run(resume: true));
        int failed = counter.Epochs + 1;
        Assert.Matches($@"(the loss is (NaN|∞|-∞)|the weights became non-finite \(loss [^)]+\)) at epoch {failed}, step 1 of 1 \(optimiser step {failed}\)", e.Message);
        Assert.True(e.Message.Contains($"last.pth (after epoch {counter.Epochs})", StringComparison.Ordinal), e.Message);
        // the checkpoint on disk is that epoch's, intact: it loads and resumes at the next epoch
        var tree = (Dictionary<object, object?>)PthReader.ReadTree(Path.Combine(run, "last.pth"))!;
        Assert.Equal((long)counter.Epochs, tree["epoch"]);
        Assert.Equal(counter.Epochs, File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Length);
    }

    [Fact]
    public void AFreshRunDoesNotOverwriteAnEarlierOne()
    {
        using var dir = new TestData.TempDir();
        var json = SyntheticPoseData.WriteStills(dir.Path, 8);
        var run = dir.File("run");
        new Trainer(TinyRun(json, run, 1)).Run(resume: false);
        var e = Assert.Throws<IOException>(() => new Trainer(TinyRun(json, run, 1)).Run(resume: false));
        Assert.Contains("already holds a run", e.Message);
    }
}
