namespace PoseLive.Training.Data;

/// <summary>
/// A small counter-based random stream (SplitMix64) seeded from (seed, epoch, index, stream): the same sample of the
/// same epoch draws the same augmentation in any run, on any worker, in any order — which is what makes a resumed
/// run see exactly the batches an uninterrupted one saw.
/// </summary>
public struct SampleRandom
{
    private ulong _state;

    public SampleRandom(ulong seed, long epoch, long index, ulong stream = 0)
    {
        _state = Mix(seed ^ 0x9E3779B97F4A7C15UL);
        _state = Mix(_state ^ (ulong)epoch);
        _state = Mix(_state ^ (ulong)index);
        _state = Mix(_state ^ stream);
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64() => _state = Mix(_state);

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public double Uniform(double min, double max) => min + (max - min) * NextDouble();

    /// <summary>Standard normal (Box–Muller).</summary>
    public double NextGaussian()
    {
        double u1 = 1.0 - NextDouble(), u2 = NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    public int NextInt(int exclusiveMax) => (int)(NextUInt64() % (ulong)exclusiveMax);

    /// <summary>The epoch's visiting order of <paramref name="count"/> samples (Fisher–Yates from (seed, epoch)).</summary>
    public static int[] Permutation(ulong seed, long epoch, int count)
    {
        var order = Enumerable.Range(0, count).ToArray();
        var r = new SampleRandom(seed, epoch, -1, 0x5348554646UL);
        for (int i = count - 1; i > 0; i--)
        {
            int j = r.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }
}
