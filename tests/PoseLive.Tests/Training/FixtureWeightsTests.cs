using System.Text.Json;
using PoseLive.Tests.TestSupport;
using PoseLive.Training.Modules;
using PoseLive.Training.Nets;
using PoseLive.Training.Tensors;

namespace PoseLive.Tests.Training;

/// <summary>
/// The C# rendering of the fixtures' deterministic weight formula against the generator's own checks
/// (&lt;net&gt;.wcheck.json: first, middle, last value and sequential sum per state_dict entry), bit for bit on Linux.
/// </summary>
[Collection("libtorch")]
public class FixtureWeightsTests
{
    public FixtureWeightsTests() => Torch.Threads = 2;

    [SharedFixtureTheory("hrnet_w32.wcheck.json", "simplebaseline_r50.wcheck.json", "lpn50.wcheck.json")]
    [InlineData("hrnet_w32")]
    [InlineData("simplebaseline_r50")]
    [InlineData("lpn50")]
    public void Generated_weights_equal_the_generators_checks(string name)
    {
        using Module net = name switch { "hrnet_w32" => new HRNet(32), "simplebaseline_r50" => new SimpleBaseline(50), _ => new Lpn(50) };
        using var checks = JsonDocument.Parse(File.ReadAllText(SharedFixtures.File($"{name}.wcheck.json")!));
        var expected = checks.RootElement.EnumerateArray().ToArray();
        var entries = net.StateDict().Where(p => !p.Name.EndsWith("num_batches_tracked", StringComparison.Ordinal)).ToList();
        var floatChecks = expected.Where(c => !c[0].GetString()!.EndsWith("num_batches_tracked", StringComparison.Ordinal)).ToArray();
        Assert.Equal(floatChecks.Length, entries.Count);
        for (int i = 0; i < entries.Count; i++)
        {
            var (entryName, tensor) = entries[i];
            SharedFixtures.AssertWeightCheck(floatChecks[i], entryName, FixtureWeights.Values(entryName, tensor.Shape));
        }
    }
}
