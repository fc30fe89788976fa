using System.Diagnostics;
using PoseLive.Tests.TestSupport;
using PoseLive.Training.Checkpoints;

namespace PoseLive.Tests.Training;

/// <summary>
/// Data-parallel training over libtorch's own c10d/Gloo on loopback, through the CLI as users launch it: two and three
/// local ranks (`--nproc`) end with the weights one process reaches over the same global batches; a rank killed
/// mid-run makes the others stop with an error naming it; a 2-rank checkpoint resumes on one process.
/// </summary>
[Collection("libtorch")]
public class DistributedTrainingTests
{
    private static string[] Tiny(string json, string output, params string[] more)
    {
        // BatchNorm in eval mode (--norm-eval) unless the test synchronises it: per-rank batch statistics differ from one
        // process's by design
        var args = new List<string>
        {
            "train", "--net", "tiny", "--train", json, "--out", output, "--input", "64x64", "--schedule", "constant", "--workers", "1",
        };
        if (!more.Contains("--augment")) args.AddRange(["--augment", "standard"]);
        if (!more.Contains("--sync-bn")) args.Add("--norm-eval");
        if (!more.Contains("--batch")) args.AddRange(["--batch", "6"]);
        args.AddRange(more);
        return [.. args];
    }

    private static Dictionary<string, float[]> Weights(string run) =>
        PthReader.Read(Path.Combine(run, "last.pth")).Where(t => t.DType == CheckpointDType.Float32).ToDictionary(t => t.Name, t => t.ToFloats());

    /// <summary>The largest difference of any tensor relative to that tensor's largest magnitude.</summary>
    private static double RelativeDifference(Dictionary<string, float[]> a, Dictionary<string, float[]> b) => Worst(a, b).Difference;

    private static (double Difference, string Tensor) Worst(Dictionary<string, float[]> a, Dictionary<string, float[]> b)
    {
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        (double Difference, string Tensor) worst = (0, "");
        foreach (var (name, x) in a)
        {
            var y = b[name];
            double scale = Math.Max(1e-12, x.Max(v => Math.Abs((double)v)));
            for (int i = 0; i < x.Length; i++) if (Math.Abs(x[i] - y[i]) / scale > worst.Difference) worst = (Math.Abs(x[i] - y[i]) / scale, name);
        }
        return worst;
    }

    [Fact]
    public void Two_and_three_ranks_reach_the_single_process_weights()
    {
        using var dir = new TestData.TempDir();
        var json = SyntheticPoseData.WriteStills(dir.Path, 18, 96, 96);       // 3 steps of 6 per epoch
        var (code, output, error) = CliRunner.Run(Tiny(json, dir.File("one"), "--epochs", "2", "--threads", "1"));
        Assert.True(code == 0, error);
        var single = Weights(dir.File("one"));
        var (initCode, _, initError) = CliRunner.Run(Tiny(json, dir.File("zero"), "--epochs", "1", "--lr", "1e-12", "--threads", "1"));
        Assert.True(initCode == 0, initError);
        Assert.True(RelativeDifference(single, Weights(dir.File("zero"))) > 1e-2, "training moved the weights");   // so agreement below means something

        foreach (var ranks in new[] { "2", "3" })
        {
            var run = dir.File($"ranks{ranks}");
            (code, output, error) = CliRunner.Run(Tiny(json, run, "--epochs", "2", "--nproc", ranks));
            Assert.True(code == 0, $"{ranks} ranks: {error}");
            Assert.Contains($"rank 0 of {ranks}", output);
            Assert.Contains("epoch 2/2: loss", output);
            double difference = RelativeDifference(single, Weights(run));
            Assert.True(difference <= 1e-5, $"{ranks} ranks: weights differ by {difference:E2} relative");
        }
    }

    [Fact]
    public void Synchronised_batch_norm_trains_as_one_process_on_the_whole_batch()
    {
        // SGD and no augmentation: synchronised BatchNorm computes its statistics in float64 where libtorch's own uses
        // float32. Adam divides each gradient by its running size and so magnifies those ~1e-7 differences on weights with
        // near-zero gradients, and a one-image batch whose augmented crop is nearly blank gives feature maps of almost no
        // variance, where (x − mean)/√(var + ε) turns float32 rounding into differences of 1e-2
        using var dir = new TestData.TempDir();
        var json = SyntheticPoseData.WriteStills(dir.Path, 15, 96, 96);       // batches of 7, 7, 1: the last one leaves two of three ranks empty
        var (code, _, error) = CliRunner.Run(Tiny(json, dir.File("one"), "--epochs", "2", "--batch", "7", "--threads", "1", "--sync-bn", "--optimizer", "sgd", "--lr", "0.05", "--augment", "none"));
        Assert.True(code == 0, error);
        var single = Weights(dir.File("one"));
        foreach (var ranks in new[] { "2", "3" })
        {
            var run = dir.File($"ranks{ranks}");
            (code, _, error) = CliRunner.Run(Tiny(json, run, "--epochs", "2", "--batch", "7", "--nproc", ranks, "--sync-bn", "--optimizer", "sgd", "--lr", "0.05", "--augment", "none"));
            Assert.True(code == 0, $"{ranks} ranks: {error}");
            var weights = Weights(run);
            var (difference, tensor) = Worst(single, weights);
            Assert.True(difference <= 1e-5, $"{ranks} ranks: weights and BatchNorm statistics differ by {difference:E2} relative ({tensor})");
        }
        // without synchronisation each rank's BatchNorm sees its own share: not the single-process run
        (code, _, error) = CliRunner.Run(Tiny(json, dir.File("own"), "--epochs", "2", "--batch", "7", "--nproc", "2", "--optimizer", "sgd", "--lr", "0.05", "--augment", "none").Where(a => a != "--norm-eval").ToArray());
        Assert.True(code == 0, error);
        Assert.True(RelativeDifference(single, Weights(dir.File("own"))) > 1e-4);
    }

    [Fact]
    public void A_checkpoint_of_two_ranks_resumes_on_one_process()
    {
        using var dir = new TestData.TempDir();
        var json = SyntheticPoseData.WriteStills(dir.Path, 12, 96, 96);
        var (code, _, error) = CliRunner.Run(Tiny(json, dir.File("one"), "--epochs", "3", "--threads", "1"));
        Assert.True(code == 0, error);
        var run = dir.File("two");
        (code, _, error) = CliRunner.Run(Tiny(json, run, "--epochs", "2", "--nproc", "2"));
        Assert.True(code == 0, error);
        var (resumed, output, resumeError) = CliRunner.Run(Tiny(json, run, "--epochs", "3", "--threads", "1", "--resume"));
        Assert.True(resumed == 0, resumeError);
        Assert.Contains("epoch 3/3: loss", output);
        double difference = RelativeDifference(Weights(dir.File("one")), Weights(run));
        Assert.True(difference <= 1e-5, $"weights differ by {difference:E2} relative");
    }

    [Fact]
    public void A_rank_killed_mid_run_stops_the_others_with_its_number()
    {
        using var dir = new TestData.TempDir();
        var json = SyntheticPoseData.WriteStills(dir.Path, 24, 96, 96);
        int port = 29700 + Environment.ProcessId % 200;
        var ranks = new List<Process>();
        var errors = new List<System.Text.StringBuilder>();
        var started = new ManualResetEventSlim();
        try
        {
            for (int r = 0; r < 3; r++)
            {
                var psi = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "poselive.dll"),
                    .. Tiny(json, dir.File("run"), "--epochs", "200", "--threads", "1", "--distributed", "env", "--dist-timeout", "20")])
                { RedirectStandardOutput = true, RedirectStandardError = true };
                psi.Environment["MASTER_ADDR"] = "127.0.0.1";
                psi.Environment["MASTER_PORT"] = port.ToString();
                psi.Environment["WORLD_SIZE"] = "3";
                psi.Environment["RANK"] = r.ToString();
                psi.Environment["POSELIVE_DIST_INTERFACE"] = "lo";
                var p = Process.Start(psi)!;
                var err = new System.Text.StringBuilder();
                p.ErrorDataReceived += (_, e) => { if (e.Data is { } line) lock (err) err.AppendLine(line); };
                if (r == 0) p.OutputDataReceived += (_, e) => { if (e.Data?.StartsWith("epoch 1/200") == true) started.Set(); };
                p.BeginErrorReadLine();
                p.BeginOutputReadLine();
                ranks.Add(p);
                errors.Add(err);
            }
            var deadline = Stopwatch.StartNew();
            while (!started.Wait(200) && deadline.Elapsed < TimeSpan.FromSeconds(120) && !ranks.Any(p => p.HasExited)) { }
            Assert.True(started.IsSet, "the run did not finish its first epoch: "
                + string.Join(" | ", errors.Select((e, r) => { lock (e) return $"rank {r} exited {ranks[r].HasExited}: {e}"; })));
            ranks[2].Kill();                                                    // SIGKILL: no goodbye
            var clock = Stopwatch.StartNew();
            foreach (int r in new[] { 0, 1 })
            {
                Assert.True(ranks[r].WaitForExit(TimeSpan.FromSeconds(60)), $"rank {r} still runs 60 s after rank 2 died");
                ranks[r].WaitForExit();
                Assert.Equal(1, ranks[r].ExitCode);
                lock (errors[r]) Assert.Contains("lost rank 2", errors[r].ToString());
            }
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(40), $"the survivors took {clock.Elapsed.TotalSeconds:F0} s (timeout 20 s)");
            Assert.True(File.Exists(dir.File("run/last.pth")));                 // rank 0's epoch-1 checkpoint stays
        }
        finally
        {
            foreach (var p in ranks) { if (!p.HasExited) p.Kill(); p.Dispose(); }
        }
    }

    [Fact]
    public void A_launcher_stopped_with_SIGTERM_stops_its_ranks_after_their_step_and_keeps_the_checkpoint()
    {
        using var dir = new TestData.TempDir();
        var json = SyntheticPoseData.WriteStills(dir.Path, 24, 96, 96);
        var psi = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "poselive.dll"),
            .. Tiny(json, dir.File("run"), "--epochs", "200", "--nproc", "2")])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        using var launcher = Process.Start(psi)!;
        var output = new System.Text.StringBuilder();
        var started = new ManualResetEventSlim();
        launcher.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not { } line) return;
            lock (output) output.AppendLine(line);
            if (line.StartsWith("epoch 1/200", StringComparison.Ordinal)) started.Set();
        };
        var error = new System.Text.StringBuilder();
        launcher.ErrorDataReceived += (_, e) => { if (e.Data is { } line) lock (error) error.AppendLine(line); };
        launcher.BeginOutputReadLine();
        launcher.BeginErrorReadLine();
        try
        {
            Assert.True(started.Wait(TimeSpan.FromSeconds(120)), "the run did not finish its first epoch: " + Locked(error));
            var ranks = ChildrenOf(launcher.Id);
            Assert.Equal(2, ranks.Count);
            Assert.True(PoseLive.Interop.Posix.PosixNative.Signal(launcher.Id, PoseLive.Interop.Posix.PosixNative.SigTerm));   // a scheduler's cancel
            Assert.True(launcher.WaitForExit(TimeSpan.FromSeconds(60)), "the launcher still runs 60 s after SIGTERM");
            launcher.WaitForExit();
            Assert.True(launcher.ExitCode == 1, $"exit {launcher.ExitCode}: {Locked(error)}");
            foreach (int rank in ranks)
                Assert.False(Directory.Exists($"/proc/{rank}") && !File.ReadAllText($"/proc/{rank}/stat").Contains(") Z "), $"rank process {rank} still runs");
            lock (output)
            {
                Assert.Matches(@"stopped after step \d+ of epoch \d+; .*last\.pth written", output.ToString());
                Assert.Contains("resume with the same command and --resume", output.ToString());
            }
            Assert.True(PoseLive.Training.Runs.TrainingCheckpoint.EpochOf(dir.File("run/last.pth")) >= 1);
        }
        finally
        {
            if (!launcher.HasExited) launcher.Kill(entireProcessTree: true);
        }
    }

    private static string Locked(System.Text.StringBuilder text) { lock (text) return text.ToString(); }

    /// <summary>The processes whose parent is <paramref name="pid"/> (/proc/PID/stat's fourth field).</summary>
    private static List<int> ChildrenOf(int pid)
    {
        var children = new List<int>();
        foreach (var folder in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out int child)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(folder, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) == pid) children.Add(child);
            }
            catch (IOException) { } // gone meanwhile
        }
        return children;
    }
}
