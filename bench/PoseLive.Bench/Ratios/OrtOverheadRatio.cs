using System.Diagnostics;
using System.Globalization;
using PoseLive.Bench.Inference;

namespace PoseLive.Bench.Ratios;

/// <summary>
/// Interleaved A/B measurement of <see cref="OrtRunOverheadBenchmark"/>: blocks of the official API's plain RunWithBinding and
/// blocks of SessionBinding runs alternate (order flipped each round), and the ratio of the median
/// block times is reported. Robust against the machine's drift and noise, which a sequential
/// benchmark on 2 shared cores is not.
/// </summary>
internal static class OrtOverheadRatio
{
    public static int Run(int rounds, int callsPerBlock)
    {
        var b = new OrtRunOverheadBenchmark();
        b.Setup();
        for (int i = 0; i < 2000; i++) { b.OfficialBinding(); b.PoseLiveBinding(); } // warm-up
        var raw = new List<double>();
        var ours = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            if (r % 2 == 0) { raw.Add(Block(b.OfficialBinding, callsPerBlock)); ours.Add(Block(b.PoseLiveBinding, callsPerBlock)); }
            else { ours.Add(Block(b.PoseLiveBinding, callsPerBlock)); raw.Add(Block(b.OfficialBinding, callsPerBlock)); }
        }
        // Managed bytes allocated per run, each path measured alone on this thread after the warm-up.
        long perRunOurs = Allocated(b.PoseLiveBinding, 1000), perRunOfficial = Allocated(b.OfficialBinding, 1000), perRunPlain = Allocated(b.OfficialRun, 1000);
        b.Cleanup();
        double mRaw = Median(raw), mOurs = Median(ours);
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Format(inv, "ORT Run overhead, {0} rounds x {1} calls, 3x3 conv 1x3x64x48 -> 16 ch, 1 thread", rounds, callsPerBlock));
        Console.WriteLine(string.Format(inv, "  official RunWithBinding : median {0:F2} us/call, {1} B allocated per run", mRaw, perRunOfficial));
        Console.WriteLine(string.Format(inv, "  SessionBinding.Run      : median {0:F2} us/call, {1} B allocated per run", mOurs, perRunOurs));
        Console.WriteLine(string.Format(inv, "  (official Run(names, values): {0} B allocated per run)", perRunPlain));
        Console.WriteLine(string.Format(inv, "  ratio: {0:F4}   (target <= 1.03, 0 B per run)", mOurs / mRaw));
        return 0;
    }

    private static long Allocated(Action run, int calls)
    {
        run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < calls; i++) run();
        return (GC.GetAllocatedBytesForCurrentThread() - before) / calls;
    }

    private static double Block(Action run, int calls)
    {
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < calls; i++) run();
        return sw.Elapsed.TotalMicroseconds / calls;
    }

    private static double Median(List<double> v)
    {
        v.Sort();
        return v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2;
    }
}
