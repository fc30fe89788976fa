namespace PoseLive.Tests.TestSupport;

/// <summary>
/// The team's reference fixtures (outputs of the official PyTorch code, `shared/fixtures/nets`), found through
/// POSELIVE_SHARED_FIXTURES or a `shared/fixtures/nets` folder beside any ancestor of the test binaries. They are
/// not part of the repository (they hold weights), so tests that need them are skipped, visibly, where absent.
/// </summary>
internal static class SharedFixtures
{
    public static string? NetsDir { get; } = Locate();

    public static string? File(string name) =>
        NetsDir is { } d && System.IO.File.Exists(Path.Combine(d, name)) ? Path.Combine(d, name) : null;

    /// <summary>Asserts the module's state_dict names and shapes equal, in order, the official list in <paramref name="keysFile"/>.</summary>
    public static void AssertOfficialKeys(PoseLive.Training.Modules.Module net, string keysFile)
    {
        using var keys = System.Text.Json.JsonDocument.Parse(System.IO.File.ReadAllText(File(keysFile)!));
        var expected = keys.RootElement.EnumerateArray().Select(e => (e[0].GetString()!, string.Join("x", e[1].EnumerateArray().Select(d => d.GetInt64())))).ToList();
        Assert.Equal(expected, net.StateDict().Select(d => (d.Name, string.Join("x", d.Tensor.Shape))).ToList());
    }

    /// <summary>
    /// Asserts one entry of a &lt;net&gt;.wcheck.json (`[name, v[0], v[N/2], v[N-1], sequential double sum]`) against
    /// float32 values, bit for bit.
    /// </summary>
    public static void AssertWeightCheck(System.Text.Json.JsonElement check, string name, float[] v)
    {
        Assert.Equal(check[0].GetString(), name);
        Assert.Equal((float)check[1].GetDouble(), v[0]);
        Assert.Equal((float)check[2].GetDouble(), v[v.Length / 2]);
        Assert.Equal((float)check[3].GetDouble(), v[^1]);
        double sum = 0;
        foreach (var f in v) sum += f;
        Assert.Equal(check[4].GetDouble(), sum);
    }

    private static string? Locate()
    {
        if (Environment.GetEnvironmentVariable("POSELIVE_SHARED_FIXTURES") is { Length: > 0 } env && Directory.Exists(env)) return env;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "fixtures", "nets");
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }
}

/// <summary>A fact that runs only where the named shared fixture file exists (reported as skipped otherwise).</summary>
internal sealed class SharedFixtureFactAttribute : FactAttribute
{
    public SharedFixtureFactAttribute(string file)
    {
        if (SharedFixtures.File(file) == null) Skip = $"shared fixture {file} not found (set POSELIVE_SHARED_FIXTURES)";
    }
}

/// <summary>A theory that runs only where all the named shared fixture files exist (reported as skipped otherwise).</summary>
internal sealed class SharedFixtureTheoryAttribute : TheoryAttribute
{
    public SharedFixtureTheoryAttribute(params string[] files)
    {
        var missing = files.FirstOrDefault(f => SharedFixtures.File(f) == null);
        if (missing is not null) Skip = $"shared fixture {missing} not found (set POSELIVE_SHARED_FIXTURES)";
    }
}
