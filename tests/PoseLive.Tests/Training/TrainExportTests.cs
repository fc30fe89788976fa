using PoseLive.Inference;
using PoseLive.Models;
using PoseLive.Pose.Codecs;
using PoseLive.Pose.Geometry;
using PoseLive.Tests.TestSupport;
using PoseLive.Training.Data;
using PoseLive.Training.Nets;
using PoseLive.Training.Runs;

namespace PoseLive.Tests.Training;

[Collection("libtorch")]
public class TrainExportTests
{
    [Fact]
    public void TheServedModelScoresThroughOnnxRuntimeAsTheCheckpointDoes()
    {
        using var dir = new TestData.TempDir();
        var json = SyntheticPoseData.WriteStills(dir.Path, 8);
        var run = dir.File("run");
        var models = dir.File("models");
        var o = TrainerTests.TinyRun(json, run, 6) with { Batch = 4, Sigma = 2, ValidateEvery = 3, Export = "tiny-test", ModelsDirectory = models };
        var summary = new Trainer(o).Run(resume: false);
        Assert.NotNull(summary.Exported);
        var (card, onnx) = ModelZoo.Find(models, "tiny-test");
        Assert.Equal("msra", card.Decoder);
        Assert.Equal("coco17", card.KeypointSchema);
        Assert.Equal(128, card.Input.Width);
        Assert.NotNull(card.Training);
        Assert.Equal("tiny", card.Training!.Net);
        Assert.Equal(summary.BestEpoch, card.Training.BestEpoch);

        var data = KeypointDataset.Load(json);
        var codec = Trainer.CreateCodec(o);
        using var store = new ImageStore();
        var validator = new PoseValidator(data, codec, PoseNets.Normalization("tiny"), store, batchSize: 4);
        using var net = PoseNets.Create("tiny", 17);
        TrainingCheckpoint.Load(Path.Combine(run, "best.pth"), net, null, out _);
        var torchOutputs = new List<float[]>();
        var fromTorch = validator.Evaluate((inputs, n) => { var r = RunTorch(net, inputs, n); torchOutputs.Add(r); return r; });

        using var session = InferenceSession.FromFile(onnx);
        var ortOutputs = new List<float[]>();
        var fromOrt = validator.Evaluate((inputs, n) =>
        {
            var x = inputs[..(n * 3 * 128 * 128)];
            using var input = OrtTensor.Create(x, n, 3, 128, 128);
            var outputs = session.Run(new Dictionary<string, OrtTensor> { [session.Inputs[0].Name] = input });
            var r = outputs["heatmaps"].ToArray<float>();
            foreach (var t in outputs.Values) t.Dispose();
            ortOutputs.Add(r);
            return r;
        });
        Assert.Equal(torchOutputs.Count, ortOutputs.Count);
        double max = 0;
        for (int i = 0; i < torchOutputs.Count; i++) max = Math.Max(max, TestData.MaxAbsDiff(torchOutputs[i], ortOutputs[i]));
        Assert.True(max <= 1e-4, $"heatmaps differ by {max:E2}");
        Assert.Equal(fromTorch.Coco.AP, fromOrt.Coco.AP);
        Assert.Equal(fromTorch.Pck05.Accuracy, fromOrt.Pck05.Accuracy);
        Assert.Equal(summary.BestMetric, fromTorch.Coco.AP, 12); // the run selected best.pth by this very number
        var check = ServedModelCheck.Run(run, onnx);                 // what `poselive export --verify` prints
        Assert.Equal(check.Checkpoint.Coco.AP, check.Served.Coco.AP);
        Assert.Equal(fromTorch.Coco.AP, check.Checkpoint.Coco.AP);
        Assert.True(check.MaxHeatmapDifference <= 1e-4, $"{check.MaxHeatmapDifference:E2}");
        Assert.Equal(8, check.Instances);

        // the exported model is served by the heatmap estimator (annotate/pose --model NAME) with the same keypoints,
        // with and without the flip test
        foreach (bool flip in new[] { false, true })
        {
            var flipValidator = new PoseValidator(data, codec, PoseNets.Normalization("tiny"), store, batchSize: 4, flipTest: flip);
            var validated = flipValidator.Evaluate((inputs, n) =>
            {
                using var input = OrtTensor.Create(inputs[..(n * 3 * 128 * 128)], n, 3, 128, 128);
                var outputs = session.Run(new Dictionary<string, OrtTensor> { [session.Inputs[0].Name] = input });
                var r = outputs["heatmaps"].ToArray<float>();
                foreach (var t in outputs.Values) t.Dispose();
                return r;
            });
            using var estimator = PoseLive.Estimation.PoseEstimators.Create(card, onnx, flipTest: flip);
            var first = data.Instances[0];
            var image = store.Get(first.Image);
            var served = estimator.Estimate(image.Pixels, image.Width, image.Height, image.Stride, [new PoseLive.Detection.DetectedBox(first.Box, 1f, 0)]);
            var expected = validated.Predictions[0].Keypoints;
            for (int j = 0; j < 17; j++)
            {
                Assert.Equal(expected[3 * j], served[0].Keypoints[j].X, 3);
                Assert.Equal(expected[3 * j + 1], served[0].Keypoints[j].Y, 3);
            }
        }
    }

    private static float[] RunTorch(PoseLive.Training.Modules.Module net, float[] inputs, int n)
    {
        net.Eval();
        using var scope = new PoseLive.Training.Tensors.DisposeScope();
        using var grad = PoseLive.Training.Tensors.Torch.NoGrad();
        using var x = PoseLive.Training.Tensors.Tensor.FromArray(inputs[..(n * 3 * 128 * 128)], n, 3, 128, 128);
        return net.Forward(x).ToFloats();
    }
}
