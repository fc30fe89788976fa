using PoseLive.Inference;
using PoseLive.Tests.TestSupport;
using PoseLive.Training.Export;
using PoseLive.Training.Modules;
using PoseLive.Training.Nets;
using PoseLive.Training.Tensors;

namespace PoseLive.Tests.Training;

[Collection("libtorch")]
public class OnnxExportTests
{
    public OnnxExportTests() => Torch.Threads = 2;

    /// <summary>LPN-50 and SimpleBaseline-R50 (fixture weights, so outputs are the official ones) exported with our
    /// ONNX writer and run by ONNX Runtime at batch 2 (dynamic batch) give libtorch's output to 1e-4.</summary>
    [Theory]
    [InlineData("lpn50", -0.024277783930301666)]
    [InlineData("simplebaseline_r50", -0.1088125929236412)]
    public void Exported_net_runs_in_onnx_runtime_with_libtorchs_output(string name, double officialFirst)
    {
        using Module net = FixtureWeights.Official<Module>(name == "lpn50" ? new Lpn(50) : new SimpleBaseline(50));
        var one = FixtureWeights.Input(3 * 256 * 192);
        var x = one.Concat(one.Select(v => -v)).ToArray(); // two different images

        float[] expected;
        using (var scope = new DisposeScope())
        using (Torch.NoGrad())
            expected = net.Forward(Tensor.FromArray(x, 2, 3, 256, 192)).ToFloats();

        var bytes = OnnxExporter.Export(net, 3, 256, 192);
        using var session = InferenceSession.FromBytes(bytes, name: $"{name}-export.onnx");
        using var input = OrtTensor.Create(x, 2, 3, 256, 192);
        var outputs = session.Run(new Dictionary<string, OrtTensor> { ["input"] = input });
        try
        {
            var heatmaps = outputs["heatmaps"];
            Assert.Equal([2L, 17, 64, 48], heatmaps.Shape.ToArray());
            var got = heatmaps.ToArray<float>();
            double worst = 0;
            for (int i = 0; i < got.Length; i++) worst = Math.Max(worst, Math.Abs(got[i] - expected[i]));
            Assert.True(worst <= 1e-4, $"max |ORT - libtorch| = {worst}");
            Assert.Equal(officialFirst, got[0], 1e-4); // the official output's first value, through ORT
        }
        finally
        {
            foreach (var t in outputs.Values) t.Dispose();
        }
    }

    /// <summary>The smaller layers' exports (Clip for ReLU6, AveragePool, Resize for nearest upsampling) against libtorch.</summary>
    [Fact]
    public void Relu6_average_pooling_and_nearest_upsampling_export_exactly()
    {
        Torch.ManualSeed(3);
        var conv = new Conv2d(3, 4, 3, 1, 1);
        using var net = new Sequential(conv, new ReLU6(), new AvgPool2d(3, 2, 1, countIncludePad: false), new UpsampleNearest(2));
        net.Eval();
        var x = TestData.Floats(2 * 3 * 8 * 6, 5, 8f);
        float[] expected;
        using (var scope = new DisposeScope())
        using (Torch.NoGrad())
        {
            Assert.Contains(conv.Forward(Tensor.FromArray(x, 2, 3, 8, 6)).ToFloats(), v => v > 6); // the clip is exercised
            expected = net.Forward(Tensor.FromArray(x, 2, 3, 8, 6)).ToFloats();
        }
        using var session = InferenceSession.FromBytes(OnnxExporter.Export(net, 3, 8, 6), name: "small-layers.onnx");
        using var input = OrtTensor.Create(x, 2, 3, 8, 6);
        var outputs = session.Run(new Dictionary<string, OrtTensor> { ["input"] = input });
        try
        {
            Assert.Equal([2L, 4, 8, 6], outputs["heatmaps"].Shape.ToArray());
            Assert.True(TestData.MaxAbsDiff(outputs["heatmaps"].ToArray<float>(), expected) <= 1e-5);
        }
        finally
        {
            foreach (var t in outputs.Values) t.Dispose();
        }
    }

    private sealed class Custom : Module
    {
        public override Tensor Forward(Tensor input) => input;
    }

    [Fact]
    public void A_module_without_an_export_is_named()
    {
        using var net = new Sequential(new ReLU(), new Custom());
        var e = Assert.Throws<NotSupportedException>(() => OnnxExporter.Export(net, 1, 4, 4));
        Assert.Equal("Custom (1) has no ONNX export", e.Message);
    }
}

[Collection("libtorch")]
public class ServedModelWriterTests
{
    [Fact]
    public void A_trained_net_becomes_a_served_model_with_a_card_the_estimators_load()
    {
        using var dir = new TestData.TempDir();
        using var net = new Lpn(50);
        FixtureWeights.Apply(net);
        net.Eval();
        var input = new PoseLive.Models.ModelInput
        {
            Name = "image", Layout = "NCHW", Dtype = "float32", Width = 192, Height = 256, Range = "0-1", ColorOrder = "BGR",
            Mean = [0.485f, 0.456f, 0.406f], Std = [0.229f, 0.224f, 0.225f],
        };
        var card = ServedModelWriter.Write(net, dir.Path, "lpn50-finetuned", input, "msra", "coco17", "test fixture weights");

        var loaded = PoseLive.Models.ModelCard.Load(dir.File("lpn50-finetuned.card.json"));
        Assert.Equal(card.Sha256, loaded.Sha256);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(dir.File("lpn50-finetuned.onnx")))), loaded.Sha256);
        Assert.Equal("BGR", loaded.Input.ColorOrder);
        using var estimator = PoseLive.Estimation.PoseEstimators.Create(loaded, dir.File(loaded.File));
        Assert.Equal(17, estimator.Schema.Count);
        Assert.Equal(2, Directory.GetFiles(dir.Path).Length); // the model and its card, no leftover .partial files
    }
}
