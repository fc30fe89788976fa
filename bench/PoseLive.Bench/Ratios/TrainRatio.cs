using System.Diagnostics;
using System.Globalization;
using PoseLive.Training.Benchmarks;
using PoseLive.Training.Tensors;

namespace PoseLive.Bench.Ratios;

/// <summary>
/// Training throughput of LPN-50 or HRNet-W32 (256×192, Adam, MSE on 64×48 heatmaps, train-mode BN): PoseLive's
/// libtorch binding, and, where Debian's python3-torch is installed, the same step in PyTorch 1.13 on the same
/// libtorch (tools/train-reference/train_step.py, our own PyTorch rendering of the official architectures, in-place
/// ops where the official code has them) — stepped alternately, one run, one ratio.
/// </summary>
internal static class TrainRatio
{
    public static int Run(string netName, int batch, int steps)
    {
        int threads = Environment.ProcessorCount;
        Torch.Threads = threads;
        Torch.ManualSeed(0);
        using var bench = new TrainingThroughput(netName, batch);
        double forward = 0, backward = 0, update = 0;
        double Step()
        {
            var t = bench.Step();
            (forward, backward, update) = (forward + t.Forward, backward + t.Backward, update + t.Optimizer);
            return t.Total;
        }
        Step(); // warm-up (allocator, oneDNN primitives)
        (forward, backward, update) = (0, 0, 0);

        // PyTorch runs in its own process, stepped alternately with ours so that both see the same machine state.
        var script = FindScript();
        Process? torch = null;
        string? header = null;
        if (script is not null)
        {
            var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3"; // Debian's python3-torch lives in the system Python
            var psi = new ProcessStartInfo(python, $"\"{script}\" {netName} {batch} {threads}") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            torch = Process.Start(psi)!;
            header = torch.StandardOutput.ReadLine();
            if (header is null || !header.StartsWith("ready ", StringComparison.Ordinal))
            {
                Console.WriteLine($"PyTorch reference not measured (python3-torch missing?): {torch.StandardError.ReadToEnd().Trim().Split('\n').LastOrDefault()}");
                torch.Dispose();
                torch = null;
            }
        }
        else Console.WriteLine("PyTorch reference: tools/train-reference/train_step.py not found");

        var ours = new List<double>();
        var theirs = new List<double>();
        double theirForward = 0, theirBackward = 0;
        for (int i = 0; i < steps; i++)
        {
            ours.Add(Step());
            if (torch is null) continue;
            torch.StandardInput.WriteLine("step");
            torch.StandardInput.Flush();
            var parts = torch.StandardOutput.ReadLine()!.Split(' ').Select(p => double.Parse(p, CultureInfo.InvariantCulture)).ToArray();
            theirs.Add(parts[0]);
            theirForward += parts[1];
            theirBackward += parts[2];
        }
        if (torch is not null)
        {
            torch.StandardInput.WriteLine("stop");
            torch.StandardInput.Close();
            torch.WaitForExit();
            torch.Dispose();
        }

        static double Median(List<double> v) { var s = v.Order().ToArray(); return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2; }
        string Join(List<double> v) => string.Join(" ", v.Select(t => t.ToString("F2", CultureInfo.InvariantCulture)));
        double oursRate = batch / Median(ours);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{netName} train step, batch {batch}, 256x192, Adam, {threads} threads; PoseLive steps (s): {Join(ours)}; mean forward {forward / steps:F2} s, backward {backward / steps:F2} s, optimiser {update / steps:F3} s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"PoseLive (libtorch {Torch.Version}): {oursRate:F2} images/s"));
        if (theirs.Count == 0) return 0;
        double theirRate = batch / Median(theirs);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"PyTorch {header!["ready ".Length..]} steps (s): {Join(theirs)}; mean forward {theirForward / steps:F2} s, backward {theirBackward / steps:F2} s: {theirRate:F2} images/s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio PoseLive/PyTorch = {oursRate / theirRate:F3} (target >= 0.95)"));
        return 0;
    }

    private static string? FindScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var p = Path.Combine(dir.FullName, "tools", "train-reference", "train_step.py");
            if (File.Exists(p)) return p;
        }
        return null;
    }
}
