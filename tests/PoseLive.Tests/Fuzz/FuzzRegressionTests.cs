using PoseLive.Fuzz;
using PoseLive.Tests.TestSupport;

namespace PoseLive.Tests.Fuzz;

/// <summary>
/// Every input the fuzzer found a crash with (tests/fuzz/TARGET/NAME, named after the bug) is now rejected with the
/// parser's documented error, naming the file; and the seed corpus still parses.
/// </summary>
public class FuzzRegressionTests
{
    private static string Root()
    {
        var media = Path.GetDirectoryName(MediaFiles.Sample("vtest.avi"))!;
        return Path.Combine(Path.GetDirectoryName(media)!, "tests", "fuzz");
    }

    public static TheoryData<string, string> Findings()
    {
        var data = new TheoryData<string, string>();
        foreach (var dir in Directory.GetDirectories(Root()).Order(StringComparer.Ordinal))
            foreach (var file in Directory.GetFiles(dir).Order(StringComparer.Ordinal))
                data.Add(Path.GetFileName(dir), Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Findings))]
    public void A_fuzz_finding_is_rejected_with_the_documented_error(string target, string name)
    {
        var fuzz = FuzzTargets.Get(target);
        using var dir = new TestData.TempDir();
        var (finding, rejection) = FuzzTargets.Classify(fuzz, File.ReadAllBytes(Path.Combine(Root(), target, name)), dir.Path);
        Assert.True(finding is null, $"{target}/{name}: {finding}");
        Assert.NotNull(rejection);
        Assert.Contains(dir.Path, rejection.Message);               // the message names the file
        Assert.DoesNotContain("System.", rejection.Message);
    }

    [Fact]
    public void Every_target_has_seeds_that_parse()
    {
        using var dir = new TestData.TempDir();
        var seeds = FuzzSeeds.All();
        Assert.Equal(FuzzTargets.All.Select(t => t.Name).Order(), seeds.Keys.Order());
        foreach (var target in FuzzTargets.All)
            foreach (var seed in seeds[target.Name])
                Assert.Equal((null, null), FuzzTargets.Classify(target, seed, dir.Path));
    }
}
