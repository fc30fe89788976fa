using System.Diagnostics;
using System.Globalization;
using PoseLive.Media;

namespace PoseLive.Bench.Ratios;

/// <summary>
/// Decode-only throughput of a file to RGB24 in PoseLive vs the ffmpeg tool doing the same work
/// (`ffmpeg -i FILE -pix_fmt rgb24 -f null -`, automatic decoder threads in both), measured in one
/// run, best of N each; plus managed allocations per frame in steady state. Target: ratio ≥ 0.9.
/// </summary>
internal static class DecodeRatio
{
    public static int Run(string path, int repeats)
    {
        var inv = CultureInfo.InvariantCulture;
        DecodeAll(path, out _); // warm-up: JIT, file cache
        double bestOurs = double.MaxValue, bestTool = double.MaxValue;
        long frames = 0, allocatedBytes = 0;
        int gen0 = 0;
        for (int r = 0; r < repeats; r++)
        {
            // alternate the order so neither side always runs on a warmer machine
            if (r % 2 == 0) { bestTool = Math.Min(bestTool, Tool(path)); bestOurs = Math.Min(bestOurs, Ours(path, ref frames, ref allocatedBytes, ref gen0)); }
            else { bestOurs = Math.Min(bestOurs, Ours(path, ref frames, ref allocatedBytes, ref gen0)); bestTool = Math.Min(bestTool, Tool(path)); }
        }
        Console.WriteLine(string.Format(inv, "decode {0}: {1} frames to RGB24", path, frames));
        Console.WriteLine(string.Format(inv, "  ffmpeg tool : {0,8:F1} ms  {1,7:F1} frames/s", bestTool * 1000, frames / bestTool));
        Console.WriteLine(string.Format(inv, "  PoseLive    : {0,8:F1} ms  {1,7:F1} frames/s", bestOurs * 1000, frames / bestOurs));
        Console.WriteLine(string.Format(inv, "  ratio (PoseLive fps / ffmpeg fps): {0:F3}   (target >= 0.9)", bestTool / bestOurs));
        Console.WriteLine(string.Format(inv, "  managed allocation, whole run (open + first frame buffer + {0} frames): {1:F0} bytes, gen0 GCs: {2}",
            frames, (double)allocatedBytes, gen0));
        var (steadyFrames, steadyBytes, steadyGcs) = SteadyState(path, skip: 100);
        Console.WriteLine(string.Format(inv, "  steady state (frames 100..end, {0} frames): {1} bytes allocated = {2:F2} bytes/frame, GCs: {3}",
            steadyFrames, steadyBytes, (double)steadyBytes / steadyFrames, steadyGcs));
        Console.WriteLine(string.Format(inv, "  ffmpeg -benchmark (inside the tool, no process start-up): {0}", ToolInternal(path)));
        return 0;
    }

    private static (long Frames, long Bytes, int Gcs) SteadyState(string path, int skip)
    {
        using var source = VideoSource.Open(path);
        for (int i = 0; i < skip; i++) source.ReadFrame()!.Dispose();
        long before = GC.GetTotalAllocatedBytes(precise: true);
        int gcs = GC.CollectionCount(0);
        long n = 0;
        VideoFrame? f;
        while ((f = source.ReadFrame()) is not null) { f.Dispose(); n++; }
        return (n, GC.GetTotalAllocatedBytes(precise: true) - before, GC.CollectionCount(0) - gcs);
    }

    private static string ToolInternal(string path)
    {
        var psi = new ProcessStartInfo("ffmpeg", ["-nostdin", "-benchmark", "-i", path, "-pix_fmt", "rgb24", "-f", "null", "-"]) { RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var text = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return text.Split('\n').LastOrDefault(l => l.StartsWith("bench: utime", StringComparison.Ordinal))?.Trim() ?? "(not reported)";
    }

    private static double Ours(string path, ref long frames, ref long allocated, ref int gen0)
    {
        long before = GC.GetTotalAllocatedBytes(precise: true);
        int g0 = GC.CollectionCount(0);
        var sw = Stopwatch.StartNew();
        DecodeAll(path, out frames);
        double s = sw.Elapsed.TotalSeconds;
        allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        gen0 = GC.CollectionCount(0) - g0;
        return s;
    }

    private static void DecodeAll(string path, out long frames)
    {
        using var source = VideoSource.Open(path);
        frames = 0;
        VideoFrame? f;
        while ((f = source.ReadFrame()) is not null) { f.Dispose(); frames++; }
    }

    private static double Tool(string path)
    {
        var psi = new ProcessStartInfo("ffmpeg", ["-v", "error", "-nostdin", "-i", path, "-pix_fmt", "rgb24", "-f", "null", "-"]) { RedirectStandardError = true };
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"ffmpeg failed on {path}");
        return sw.Elapsed.TotalSeconds;
    }
}
