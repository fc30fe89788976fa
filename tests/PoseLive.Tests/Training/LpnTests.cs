using System.Text.Json;
using PoseLive.Tests.TestSupport;
using PoseLive.Training.Checkpoints;
using PoseLive.Training.Nets;
using PoseLive.Training.Tensors;

namespace PoseLive.Tests.Training;

/// <summary>
/// LPN against the official lpn-pytorch code: names, parameter counts, and outputs for the fixtures'
/// deterministic weights. Expected numbers come from the official code (shared/fixtures/nets/lpn50.out.json).
/// </summary>
[Collection("libtorch")]
public class LpnTests
{
    public LpnTests() => Torch.Threads = 2;

    [Theory]
    [InlineData(50, 2.91)]
    [InlineData(101, 5.35)]
    [InlineData(152, 7.38)]
    public void Parameter_counts_equal_the_papers(int depth, double millions)
    {
        using var net = new Lpn(depth);
        Assert.Equal(millions, Math.Round(net.ParameterCount / 1e6, 2));
    }

    [Fact]
    public void Lpn50_state_dict_has_the_official_layout()
    {
        using var net = new Lpn(50);
        var dict = net.StateDict().ToList();
        Assert.Equal(466, dict.Count);
        Assert.Equal(2_911_153, net.ParameterCount); // exact count of the official model's parameters
        // Official naming details: Sequential indices skip ReLUs; downsample is registered before att.
        var names = dict.Select(d => d.Name).ToList();
        Assert.Equal("conv1.weight", names[0]);
        Assert.Contains("deconv_layers.7.num_batches_tracked", names);
        Assert.DoesNotContain("deconv_layers.2.weight", names);
        Assert.True(names.IndexOf("layer2.0.downsample.0.weight") < names.IndexOf("layer2.0.att.conv_mask.weight"));
        var shapes = dict.ToDictionary(d => d.Name, d => d.Tensor.Shape);
        Assert.Equal([512L, 1, 4, 4], shapes["deconv_layers.0.weight"]);
        Assert.Equal([256L, 1, 4, 4], shapes["deconv_layers.6.weight"]);
        Assert.Equal([32L, 1, 1], shapes["layer4.2.att.channel_add_conv.1.weight"]);
        Assert.Equal([17L, 256, 1, 1], shapes["final_layer.weight"]);
    }

    [Fact]
    public void Lpn50_forward_matches_the_official_pytorch_output()
    {
        using var net = FixtureWeights.Official(new Lpn(50));
        using var scope = new DisposeScope();
        using var _ = Torch.NoGrad();
        var y = net.Forward(FixtureWeights.PublicInput());

        Assert.Equal([1L, 17, 64, 48], y.Shape);
        var o = y.ToFloats();
        // Reference values from the official code (lpn50.out.json: first8, fixed_indices/values, stats).
        float[] first8 = [-0.024277783930301666f, 0.04698004201054573f, 0.06663131713867188f, 0.04707828164100647f,
                          0.014233969151973724f, 0.07948117703199387f, 0.09068237245082855f, 0.03987837955355644f];
        (int Index, float Value)[] fixedValues = [(0, -0.024277783930301666f), (13069, 0.07176606357097626f), (26141, -0.1607491672039032f),
                                                  (39209, 0.06559943407773972f), (52223, 0.007707781158387661f)];
        const double maxRef = 0.44210731983184814, atol = 1e-4 * maxRef, rtol = 1e-4;
        for (int i = 0; i < 8; i++) Assert.True(Math.Abs(o[i] - first8[i]) <= atol + rtol * Math.Abs(first8[i]), $"out[{i}] = {o[i]}, official {first8[i]}");
        foreach (var (i, v) in fixedValues) Assert.True(Math.Abs(o[i] - v) <= atol + rtol * Math.Abs(v), $"out[{i}] = {o[i]}, official {v}");
        double mean = o.Average(v => (double)v), std = Math.Sqrt(o.Average(v => ((double)v - mean) * ((double)v - mean)));
        Assert.Equal(0.02944588030173383, mean, 1e-5 * 0.15354410622682954 + 1e-7);
        Assert.Equal(0.15354410622682954, std, 1e-5 * 0.15354410622682954);
        Assert.Equal(-0.39374616742134094, o.Min(), 1e-4 * maxRef);
        Assert.Equal(maxRef, o.Max(), 1e-4 * maxRef);
    }

    /// <summary>The fixture's real torch.save file loaded into our LPN-50: every entry maps onto a module tensor
    /// (no missing/unexpected key) and the full output equals the official output elementwise.</summary>
    [SharedFixtureFact("lpn50.pth")]
    public void Official_lpn50_checkpoint_loads_and_reproduces_every_output_value()
    {
        using var net = new Lpn(50);
        var report = net.LoadStateDict(PthReader.Read(SharedFixtures.File("lpn50.pth")!));
        Assert.Equal(466, report.Loaded);
        Assert.Empty(report.Missing);
        Assert.Empty(report.Unexpected);
        net.Eval();
        using var scope = new DisposeScope();
        using var _ = Torch.NoGrad();
        var o = net.Forward(FixtureWeights.PublicInput()).ToFloats();

        var bytes = File.ReadAllBytes(SharedFixtures.File("lpn50.out.f32")!);
        var expected = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray();
        Assert.Equal(expected.Length, o.Length);
        float maxRef = expected.Max(Math.Abs);
        double worst = 0;
        for (int i = 0; i < o.Length; i++)
        {
            double d = Math.Abs(o[i] - expected[i]);
            Assert.True(d <= 1e-4 * maxRef + 1e-4 * Math.Abs(expected[i]), $"out[{i}] = {o[i]}, official {expected[i]}");
            worst = Math.Max(worst, d);
        }
        Assert.True(worst < 1e-4, $"max abs diff {worst}");
    }

    [SharedFixtureFact("lpn50.keys.json")]
    public void Lpn50_keys_and_shapes_equal_the_official_list_in_order()
    {
        using var net = new Lpn(50);
        SharedFixtures.AssertOfficialKeys(net, "lpn50.keys.json");
    }

    [Fact]
    public void A_checkpoint_with_a_wrong_shape_or_extra_keys_is_reported()
    {
        using var net = new Lpn(50);
        var good = net.StateDict().Select(d => new CheckpointTensor(d.Name, d.Tensor.DType == DType.Int64 ? CheckpointDType.Int64 : CheckpointDType.Float32,
            d.Tensor.Shape, d.Tensor.DType == DType.Int64 ? new long[] { 0 } : new float[d.Tensor.ElementCount])).ToList();

        var extra = good.Take(465).Append(new CheckpointTensor("head.extra", CheckpointDType.Float32, [1], new float[1])).ToList();
        var e = Assert.Throws<CheckpointFormatException>(() => net.LoadStateDict(extra));
        Assert.Contains("missing 1 (final_layer.bias)", e.Message);
        Assert.Contains("unexpected 1 (head.extra)", e.Message);
        var lenient = net.LoadStateDict(extra, strict: false);
        Assert.Equal(465, lenient.Loaded);

        var wrong = good.Select(t => t.Name == "final_layer.weight" ? t with { Shape = [16, 256, 1, 1], Data = new float[16 * 256] } : t).ToList();
        var shape = Assert.Throws<CheckpointFormatException>(() => net.LoadStateDict(wrong));
        Assert.Contains("'final_layer.weight': checkpoint shape [16, 256, 1, 1] does not match the model's [17, 256, 1, 1]", shape.Message);
    }

    /// <summary>Shape and mean of every top-level module output equal the official ones (lpn50.out.json probes): layer4 stays at 1/16.</summary>
    [Fact]
    public void Lpn50_intermediate_shapes_and_means_equal_the_official_ones()
    {
        using var net = FixtureWeights.Official(new Lpn(50));
        using var scope = new DisposeScope();
        using var _ = Torch.NoGrad();
        var x = FixtureWeights.PublicInput();
        OfficialProbes.AssertEqual(
        [
            ("conv1", [1, 64, 128, 96], 0.00026148974138883114), ("bn1", [1, 64, 128, 96], 0.015289437864148263),
            ("layer1", [1, 64, 64, 48], 0.8285270787945933), ("layer2", [1, 128, 32, 24], 1.099177584561924),
            ("layer3", [1, 256, 16, 12], 1.881449616976094), ("layer4", [1, 512, 16, 12], 1.5463020922901194),
            ("deconv_layers", [1, 256, 64, 48], 0.08475513082926367), ("final_layer", [1, 17, 64, 48], 0.02944588030173383),
        ], OfficialProbes.Record(probe => net.Forward(x, probe)));
    }
}
