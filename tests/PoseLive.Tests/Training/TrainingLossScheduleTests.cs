using PoseLive.Tests.TestSupport;
using PoseLive.Training.Optim;
using PoseLive.Training.Runs;
using PoseLive.Training.Tensors;

namespace PoseLive.Tests.Training;

[Collection("libtorch")]
public class TrainingLossScheduleTests
{
    [Fact]
    public void OhkmAveragesTheTopKPerKeypointLossesOfEachSample()
    {
        var pred = TestData.Floats(2 * 5 * 3 * 3, 1);
        var target = TestData.Floats(2 * 5 * 3 * 3, 2);
        var weight = new float[] { 1, 1, 0, 1, 1, 1, 1, 1, 1, 0 };
        using var scope = new DisposeScope();
        var p = Tensor.FromArray(pred, 2, 5, 3, 3).WithRequiresGrad();
        var loss = Losses.JointsOhkmMse(p, Tensor.FromArray(target, 2, 5, 3, 3), Tensor.FromArray(weight, 2, 5), topK: 2);
        double expected = 0;
        for (int n = 0; n < 2; n++)
        {
            var per = new double[5];
            for (int k = 0; k < 5; k++)
            {
                double sum = 0;
                for (int i = 0; i < 9; i++) { double d = weight[n * 5 + k] * (pred[(n * 5 + k) * 9 + i] - target[(n * 5 + k) * 9 + i]); sum += d * d; }
                per[k] = 0.5 * sum / 9;
            }
            expected += per.OrderDescending().Take(2).Sum() / 2;
        }
        expected /= 2;
        Assert.Equal(expected, loss.Item(), 5);
        loss.Backward();
        using var grad = p.Grad!;
        int withGradient = grad.ToFloats().Chunk(9).Count(c => c.Any(v => v != 0));
        Assert.Equal(4, withGradient); // top 2 of 5 keypoints in each of 2 samples
    }

    [Fact]
    public void SchedulesWarmUpLinearlyCycleAndStepDown()
    {
        var o = new TrainingOptions { Train = "x", Output = "y", LearningRate = 0.01, Epochs = 10, Schedule = "multistep:4,8", WarmupSteps = 100 };
        var s = Trainer.CreateSchedule(o);
        Assert.Equal(0.01 * 0.001, s.RateAt(0, 0), 12);
        Assert.Equal(0.01 * (0.001 + 0.999 * 0.5), s.RateAt(0, 50), 12);
        Assert.Equal(0.01, s.RateAt(1, 100), 12);
        Assert.Equal(0.001, s.RateAt(5, 1000), 12);
        Assert.Equal(0.0001, s.RateAt(9, 1000), 12);
        var cyclic = Trainer.CreateSchedule(o with { WarmupSteps = 0, CycleEpochs = 5, Schedule = "cosine" });
        Assert.Equal(0.01, cyclic.RateAt(5), 12);                                   // a new cycle restarts at the base rate
        Assert.Equal(cyclic.RateAt(2), cyclic.RateAt(7), 12);
        Assert.Equal(0.01 * (1 + Math.Cos(Math.PI * 2 / 5)) / 2, cyclic.RateAt(2), 12);  // cosine over the 5-epoch cycle
        Assert.Throws<ArgumentException>(() => Trainer.CreateSchedule(o with { Schedule = "multistep:4,x" }));
        Assert.Throws<ArgumentException>(() => Trainer.CreateSchedule(o with { Schedule = "linear" }));
    }

    [Fact]
    public void UdpTrainingUsesThreeChannelsPerKeypointAndServes()
    {
        using var dir = new TestData.TempDir();
        var json = SyntheticPoseData.WriteStills(dir.Path, 4, 96, 96);
        var o = TrainerTests.TinyRun(json, dir.File("run"), 2) with { Codec = "udp", InputWidth = 64, InputHeight = 64, Batch = 2, Export = "udp-tiny", ModelsDirectory = dir.File("models") };
        var summary = new Trainer(o).Run(resume: false);
        Assert.NotNull(summary.Exported);
        Assert.Equal("udp", summary.Exported!.Decoder);
        var weights = PoseLive.Training.Checkpoints.PthReader.Read(Path.Combine(o.Output, "last.pth"));
        Assert.Equal(new long[] { 51, 64, 1, 1 }, weights.Single(t => t.Name == "body.15.weight").Shape); // 17 × (disc, offset x, offset y)
        var (card, onnx) = PoseLive.Models.ModelZoo.Find(o.ModelsDirectory!, "udp-tiny");
        using var estimator = PoseLive.Estimation.PoseEstimators.Create(card, onnx);
        var image = PoseLive.Training.Data.ImageStore.ReadStill(Path.Combine(dir.Path, "images", "img0000.png"));
        var people = estimator.Estimate(image.Pixels, image.Width, image.Height, image.Stride, [new PoseLive.Detection.DetectedBox(new PoseLive.Pose.BoundingBox(10, 10, 70, 70), 1, 0)]);
        Assert.Equal(17, people[0].Keypoints.Length);
    }
}
