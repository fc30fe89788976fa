using PoseLive.Pipeline;

namespace PoseLive.Tests.Pipeline;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void Quantiles_are_within_a_quarter_percent_of_the_sorted_values()
    {
        var h = new LatencyHistogram();
        var rng = new Random(5);
        var values = Enumerable.Range(0, 20_000).Select(_ => Math.Exp(rng.NextDouble() * 9 - 3)).ToArray();   // 0.05 ms … 400 ms
        foreach (var v in values) h.Add(v);
        var sorted = values.Order().ToArray();
        foreach (var q in new[] { 0.01, 0.5, 0.9, 0.99 })
        {
            double exact = sorted[(int)Math.Ceiling(q * (sorted.Length - 1))];
            Assert.InRange(h.Quantile(q), exact / 1.0026, exact * 1.0026);
        }
        Assert.Equal(20_000, h.Count);
        Assert.Equal(0, new LatencyHistogram().Quantile(0.5));
    }

    [Fact]
    public void Recording_allocates_nothing()
    {
        var h = new LatencyHistogram();
        h.Add(1);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100_000; i++) h.Add(i * 0.01);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
