using PoseLive.Training.Tensors;

namespace PoseLive.Tests.TestSupport;

/// <summary>Records module outputs through a net's probe callback and compares them with the official ones (fixture out.json probes).</summary>
internal static class OfficialProbes
{
    public static Dictionary<string, (long[] Shape, double Mean)> Record(Func<Action<string, Tensor>, Tensor> forward)
    {
        var probes = new Dictionary<string, (long[] Shape, double Mean)>();
        forward((name, t) => probes[name] = (t.Shape, t.ToFloats().Average(v => (double)v)));
        return probes;
    }

    public static void AssertEqual((string Name, long[] Shape, double Mean)[] official, Dictionary<string, (long[] Shape, double Mean)> probes)
    {
        Assert.Equal(official.Select(o => o.Name), probes.Keys);
        foreach (var (name, shape, mean) in official)
        {
            Assert.Equal(shape, probes[name].Shape);
            Assert.True(Math.Abs(probes[name].Mean - mean) <= 1e-5 * Math.Max(1, Math.Abs(mean)), $"{name}: mean {probes[name].Mean}, official {mean}");
        }
    }
}
