using System.CommandLine;
using System.Globalization;
using PoseLive.Training.Benchmarks;
using PoseLive.Training.Tensors;

namespace PoseLive.Cli.Commands;

/// <summary>`poselive train-bench`: training throughput (images/s) of a served architecture on synthetic data.</summary>
internal static class TrainBenchCommand
{
    public static Command Create()
    {
        var net = new Option<string>("--net") { Description = $"Network: {string.Join(", ", TrainingThroughput.Nets)}.", DefaultValueFactory = _ => "lpn50" };
        net.AcceptOnlyFromAmong([.. TrainingThroughput.Nets]);
        var batch = new Option<int>("--batch", "-b") { Description = "Images per step.", DefaultValueFactory = _ => 32 };
        var steps = new Option<int>("--steps") { Description = "Timed steps (after one warm-up step).", DefaultValueFactory = _ => 3 };
        var threads = new Option<int>("--threads") { Description = "libtorch threads (all cores unless given).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var height = new Option<int>("--height") { Description = "Input height (multiple of 32).", DefaultValueFactory = _ => 256 };
        var width = new Option<int>("--width") { Description = "Input width (multiple of 32).", DefaultValueFactory = _ => 192 };
        var command = new Command("train-bench", "Time training steps (Adam, MSE on stride-4 heatmaps, train-mode BatchNorm) of LPN, SimpleBaseline or HRNet on synthetic data; prints images/s.")
        {
            net, batch, steps, threads, height, width,
        };
        command.SetAction((parse, cancel) =>
        {
            var output = parse.InvocationConfiguration.Output;
            int n = parse.GetValue(steps), b = parse.GetValue(batch), t = parse.GetValue(threads);
            if (n < 1) throw new ArgumentException("--steps must be at least 1");
            if (t < 1) throw new ArgumentException("--threads must be at least 1");
            Torch.Threads = t;
            Torch.ManualSeed(0);
            var name = parse.GetValue(net)!;
            using var bench = new TrainingThroughput(name, b, parse.GetValue(height), parse.GetValue(width));
            var inv = CultureInfo.InvariantCulture;
            output.WriteLine(string.Format(inv, "{0}: {1:F2}M parameters, batch {2}, {3}×{4}, {5} threads, libtorch {6}",
                name, bench.Parameters / 1e6, b, parse.GetValue(height), parse.GetValue(width), t, Torch.Version));
            bench.Step(); // warm-up: oneDNN primitives, allocator cache
            var timings = new List<StepTiming>();
            for (int i = 0; i < n; i++)
            {
                cancel.ThrowIfCancellationRequested();
                var s = bench.Step();
                timings.Add(s);
                output.WriteLine(string.Format(inv, "step {0}: {1:F2} s (forward {2:F2}, backward {3:F2}, optimiser {4:F3}) = {5:F2} images/s",
                    i + 1, s.Total, s.Forward, s.Backward, s.Optimizer, b / s.Total));
            }
            var sorted = timings.Select(s => s.Total).Order().ToArray();
            var median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
            output.WriteLine(string.Format(inv, "median {0:F2} s per step: {1:F2} images/s", median, b / median));
            return Task.FromResult(PoseLiveCli.ExitOk);
        });
        return command;
    }
}
