using System.Text.Json;
using PoseLive.Tests.TestSupport;
using PoseLive.Training.Nets;
using PoseLive.Training.Tensors;

namespace PoseLive.Tests.Training;

/// <summary>SimpleBaseline against the official pose_resnet (expected values from shared/fixtures/nets/simplebaseline_r50.out.json).</summary>
[Collection("libtorch")]
public class SimpleBaselineTests
{
    public SimpleBaselineTests() => Torch.Threads = 2;

    [Fact]
    public void R50_has_the_official_parameters_and_layout()
    {
        using var net = new SimpleBaseline(50);
        Assert.Equal(33_999_697, net.ParameterCount); // 34.00M
        var dict = net.StateDict().ToList();
        Assert.Equal(338, dict.Count);
        var shapes = dict.ToDictionary(d => d.Name, d => d.Tensor.Shape);
        Assert.Equal([2048L, 256, 4, 4], shapes["deconv_layers.0.weight"]);
        Assert.Equal([256L, 256, 4, 4], shapes["deconv_layers.6.weight"]);
        Assert.Equal([1024L, 512, 1, 1], shapes["layer3.0.downsample.0.weight"]);
    }

    [Theory]
    [InlineData(101, 53.0)]
    [InlineData(152, 68.6)]
    public void Deeper_variants_have_the_published_sizes(int depth, double millions)
    {
        using var net = new SimpleBaseline(depth);
        Assert.Equal(millions, Math.Round(net.ParameterCount / 1e6, 1));
    }

    [Fact]
    public void R50_forward_matches_the_official_pytorch_output()
    {
        using var net = FixtureWeights.Official(new SimpleBaseline(50));
        using var scope = new DisposeScope();
        using var _ = Torch.NoGrad();
        var y = net.Forward(FixtureWeights.PublicInput());
        Assert.Equal([1L, 17, 64, 48], y.Shape);
        var o = y.ToFloats();
        const double maxRef = 0.27287009358406067, atol = 1e-4 * maxRef, rtol = 1e-4;
        (int Index, float Value)[] reference = [(0, -0.1088125929236412f), (1, -0.10523099452257156f), (2, -0.1213349774479866f), (7, -0.10027996450662613f),
            (13069, -0.10214508324861526f), (26141, -0.17369747161865234f), (39209, 0.06424182653427124f), (52223, -0.013442495837807655f)];
        foreach (var (i, v) in reference) Assert.True(Math.Abs(o[i] - v) <= atol + rtol * Math.Abs(v), $"out[{i}] = {o[i]}, official {v}");
        double mean = o.Average(v => (double)v), std = Math.Sqrt(o.Average(v => ((double)v - mean) * ((double)v - mean)));
        Assert.Equal(-0.0123077818931953, mean, 1e-5 * 0.09880240217641997 + 1e-7);
        Assert.Equal(0.09880240217641997, std, 1e-5 * 0.09880240217641997);
    }

    [SharedFixtureFact("simplebaseline_r50.keys.json")]
    public void R50_keys_and_shapes_equal_the_official_list_in_order()
    {
        using var net = new SimpleBaseline(50);
        SharedFixtures.AssertOfficialKeys(net, "simplebaseline_r50.keys.json");
    }

    /// <summary>Shape and mean of every top-level module output equal the official ones (simplebaseline_r50.out.json probes): layer4 at 1/32.</summary>
    [Fact]
    public void R50_intermediate_shapes_and_means_equal_the_official_ones()
    {
        using var net = FixtureWeights.Official(new SimpleBaseline(50));
        using var scope = new DisposeScope();
        using var _ = Torch.NoGrad();
        var x = FixtureWeights.PublicInput();
        OfficialProbes.AssertEqual(
        [
            ("conv1", [1, 64, 128, 96], 0.00026148974138883114), ("bn1", [1, 64, 128, 96], 0.015289437864148263),
            ("layer1", [1, 256, 64, 48], 0.3072823654498463), ("layer2", [1, 512, 32, 24], 0.2946834257339732),
            ("layer3", [1, 1024, 16, 12], 0.3304315155810323), ("layer4", [1, 2048, 8, 6], 0.252342854549603),
            ("deconv_layers", [1, 256, 64, 48], 0.039169471026544826), ("final_layer", [1, 17, 64, 48], -0.0123077818931953),
        ], OfficialProbes.Record(probe => net.Forward(x, probe)));
    }
}
