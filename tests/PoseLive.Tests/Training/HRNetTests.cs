using System.Text.Json;
using PoseLive.Inference;
using PoseLive.Tests.TestSupport;
using PoseLive.Training.Export;
using PoseLive.Training.Nets;
using PoseLive.Training.Tensors;

namespace PoseLive.Tests.Training;

/// <summary>HRNet against the official pose_hrnet (expected values from shared/fixtures/nets/hrnet_w32.out.json).</summary>
[Collection("libtorch")]
public class HRNetTests
{
    public HRNetTests() => Torch.Threads = 2;

    [Theory]
    [InlineData(32, 28_536_113)]
    [InlineData(48, 63_595_745)]
    public void Parameter_counts_equal_the_official_ones(int width, long parameters)
    {
        using var net = new HRNet(width);
        Assert.Equal(parameters, net.ParameterCount); // 28.54M, 63.60M
        Assert.Equal(1754, net.StateDict().Count());
    }

    [Fact]
    public void W32_state_dict_has_the_official_layout()
    {
        using var net = new HRNet(32);
        var shapes = net.StateDict().ToDictionary(d => d.Name, d => d.Tensor.Shape);
        Assert.Equal([32L, 256, 3, 3], shapes["transition1.0.0.weight"]);
        Assert.Equal([64L, 256, 3, 3], shapes["transition1.1.0.0.weight"]);
        Assert.Equal([128L, 64, 3, 3], shapes["transition2.2.0.0.weight"]);
        Assert.Equal([32L, 64, 1, 1], shapes["stage2.0.fuse_layers.0.1.0.weight"]);
        Assert.Equal([64L, 32, 3, 3], shapes["stage2.0.fuse_layers.1.0.0.0.weight"]);
        Assert.Equal([32L, 32, 3, 3], shapes["stage3.0.fuse_layers.2.0.0.0.weight"]); // first of two stride-2 steps keeps 32
        Assert.Equal([128L, 32, 3, 3], shapes["stage3.0.fuse_layers.2.0.1.0.weight"]);
        Assert.Equal([32L, 256, 1, 1], shapes["stage4.2.fuse_layers.0.3.0.weight"]);
        Assert.DoesNotContain("stage4.2.fuse_layers.1.0.0.0.weight", shapes.Keys); // the last module keeps the top branch only
        Assert.Equal([17L, 32, 1, 1], shapes["final_layer.weight"]);
    }

    [Fact]
    public void W32_forward_matches_the_official_output_and_every_stage_shape()
    {
        using var net = FixtureWeights.Official(new HRNet(32));
        using var scope = new DisposeScope();
        using var _ = Torch.NoGrad();
        Tensor y = null!;
        var probes = OfficialProbes.Record(probe => y = net.Forward(FixtureWeights.PublicInput(), probe));
        // Shapes and means of the official module outputs (probes in hrnet_w32.out.json).
        OfficialProbes.AssertEqual(
        [
            ("layer1", [1, 256, 64, 48], 0.2007420915193909),
            ("stage2[0]", [1, 32, 64, 48], 0.23884345518047922), ("stage2[1]", [1, 64, 32, 24], 0.2735963278311265),
            ("stage3[0]", [1, 32, 64, 48], 7.115352331784152), ("stage3[1]", [1, 64, 32, 24], 7.631162666823002),
            ("stage3[2]", [1, 128, 16, 12], 5.74045038040246),
            ("stage4", [1, 32, 64, 48], 115.13270464633267),
            ("final_layer", [1, 17, 64, 48], 42.91039800085277),
        ], probes);

        var o = y.ToFloats();
        const double maxRef = 413.34979248046875, atol = 1e-4 * maxRef, rtol = 1e-4; // the fixtures' tolerance for HRNet's large activations
        (int Index, float Value)[] reference = [(0, 40.566219329833984f), (1, 42.175376892089844f), (2, 18.389745712280273f), (4, -2.1994104385375977f),
            (13069, -131.3430633544922f), (26141, 139.26564025878906f), (39209, -7.884243965148926f), (52223, 175.1456756591797f)];
        foreach (var (i, v) in reference) Assert.True(Math.Abs(o[i] - v) <= atol + rtol * Math.Abs(v), $"out[{i}] = {o[i]}, official {v}");
        double m = o.Average(v => (double)v), std = Math.Sqrt(o.Average(v => ((double)v - m) * ((double)v - m)));
        Assert.Equal(42.91039800085277, m, 1e-5 * 152.69687171223964);
        Assert.Equal(152.69687171223964, std, 1e-5 * 152.69687171223964);
    }

    [SharedFixtureFact("hrnet_w32.out.f32")]
    public void W32_reproduces_every_official_output_value()
    {
        using var net = FixtureWeights.Official(new HRNet(32));
        using var scope = new DisposeScope();
        using var _ = Torch.NoGrad();
        var o = net.Forward(FixtureWeights.PublicInput()).ToFloats();
        var bytes = File.ReadAllBytes(SharedFixtures.File("hrnet_w32.out.f32")!);
        var official = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, official, 0, bytes.Length);
        Assert.Equal(official.Length, o.Length);
        double maxRef = official.Max(v => Math.Abs((double)v)), worst = 0;
        for (int i = 0; i < o.Length; i++)
        {
            double excess = Math.Abs(o[i] - official[i]) - (1e-4 * maxRef + 1e-4 * Math.Abs(official[i]));
            worst = Math.Max(worst, excess);
        }
        Assert.True(worst <= 0, $"an output exceeds the tolerance by {worst}");
    }

    [SharedFixtureFact("hrnet_w32.keys.json")]
    public void W32_keys_and_shapes_equal_the_official_list_in_order()
    {
        using var net = new HRNet(32);
        SharedFixtures.AssertOfficialKeys(net, "hrnet_w32.keys.json");
    }

    /// <summary>
    /// HRNet-W32 with fresh weights, exported (Resize for the fuse upsampling) and run by ONNX Runtime at batch 2.
    /// Untrained, its fuse sums grow the output to ~10³, so the bar is relative to the output's scale (the fixtures'
    /// advice for HRNet): within 1e-5 of max |y|, which is 1e-5 absolute for heatmap-scaled outputs.
    /// </summary>
    [Fact]
    public void Exported_w32_runs_in_onnx_runtime_with_libtorchs_output()
    {
        Torch.ManualSeed(7);
        using var net = new HRNet(32);
        net.Eval();
        var one = FixtureWeights.Input(3 * 256 * 192);
        var x = one.Concat(one.Select(v => 1 - v)).ToArray();
        float[] expected;
        using (var scope = new DisposeScope())
        using (Torch.NoGrad())
            expected = net.Forward(Tensor.FromArray(x, 2, 3, 256, 192)).ToFloats();

        using var session = InferenceSession.FromBytes(OnnxExporter.Export(net, 3, 256, 192), name: "hrnet_w32-export.onnx");
        using var input = OrtTensor.Create(x, 2, 3, 256, 192);
        var outputs = session.Run(new Dictionary<string, OrtTensor> { ["input"] = input });
        try
        {
            var got = outputs["heatmaps"].ToArray<float>();
            Assert.Equal([2L, 17, 64, 48], outputs["heatmaps"].Shape.ToArray());
            double worst = 0, scale = expected.Max(v => Math.Abs(v));
            for (int i = 0; i < got.Length; i++) worst = Math.Max(worst, Math.Abs(got[i] - expected[i]));
            Assert.True(scale > 1e-3, $"degenerate output (max |y| = {scale})");
            Assert.True(worst <= 1e-5 * scale, $"max |ORT - libtorch| = {worst} (output scale {scale})");
        }
        finally
        {
            foreach (var t in outputs.Values) t.Dispose();
        }
    }

    /// <summary>A train-mode step through the in-place ReLUs and residual adds: autograd accepts it and every parameter gets a gradient.</summary>
    [Fact]
    public void A_training_step_reaches_every_parameter()
    {
        Torch.ManualSeed(1);
        using var net = new HRNet(8, keypoints: 5);
        net.Train();
        using var scope = new DisposeScope();
        var y = net.Forward(Tensor.Randn(2, 3, 128, 96));
        Assert.Equal([2L, 5, 32, 24], y.Shape);
        Functional.MseLoss(y, Tensor.Zeros(2, 5, 32, 24)).Backward();
        var without = net.NamedParameters().Where(p => p.Tensor.Grad is not { } g || g.Abs().Sum().Item() == 0).Select(p => p.Name).ToList();
        Assert.Empty(without);
    }
}
