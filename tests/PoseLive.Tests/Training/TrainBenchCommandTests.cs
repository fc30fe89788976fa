using PoseLive.Tests.TestSupport;
using System.Text.RegularExpressions;
using PoseLive.Cli;
using PoseLive.Training.Tensors;

namespace PoseLive.Tests.Training;

/// <summary>`poselive train-bench`: real training steps on a small input, their timings and rate.</summary>
[Collection("libtorch")]
public partial class TrainBenchCommandTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var result = CliRunner.Run(args);
        Torch.Threads = 2; // the command sets its own thread count
        return result;
    }

    [GeneratedRegex(@"^step (\d): ([\d.]+) s \(forward ([\d.]+), backward ([\d.]+), optimiser ([\d.]+)\) = ([\d.]+) images/s$", RegexOptions.Multiline)]
    private static partial Regex StepLine();

    [Fact]
    public void Reports_each_step_and_the_rate()
    {
        long live = Torch.LiveTensors;
        var (code, output, err) = Run("train-bench", "--net", "lpn50", "--batch", "2", "--steps", "2", "--height", "64", "--width", "64", "--threads", "2");
        Assert.True(code == 0, err);
        Assert.Contains("lpn50: 2.91M parameters, batch 2, 64×64, 2 threads", output);
        var steps = StepLine().Matches(output);
        Assert.Equal(2, steps.Count);
        foreach (Match m in steps)
        {
            double total = double.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
            double parts = Enumerable.Range(3, 3).Sum(g => double.Parse(m.Groups[g].Value, System.Globalization.CultureInfo.InvariantCulture));
            Assert.InRange(parts, total - 0.02, total + 0.02); // the parts add up to the step (printed to 0.01 s)
            double rate = double.Parse(m.Groups[6].Value, System.Globalization.CultureInfo.InvariantCulture);
            // Both are printed to 2 decimals: the step time is within ±0.005 s of the printed one, the rate within ±0.005.
            double lo = 2 / (total + 0.005) - 0.005, hi = total > 0.005 ? 2 / (total - 0.005) + 0.005 : double.PositiveInfinity;
            Assert.InRange(rate, lo, hi);
        }
        Assert.Matches(@"median [\d.]+ s per step: [\d.]+ images/s", output);
        Assert.Equal(live, Torch.LiveTensors); // net, optimiser state and data all released
    }

    [Fact]
    public void Bad_arguments_are_refused_clearly()
    {
        var (code, _, err) = Run("train-bench", "--net", "resnet9");
        Assert.Equal(PoseLiveCli.ExitUsage, code);
        Assert.Contains("resnet9", err);
        (code, _, err) = Run("train-bench", "--height", "100");
        Assert.Equal(PoseLiveCli.ExitFailure, code);
        Assert.Contains("multiples of 32", err);
    }
}
