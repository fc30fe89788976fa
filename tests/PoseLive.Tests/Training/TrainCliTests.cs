using PoseLive.Tests.TestSupport;
using PoseLive.Training.Checkpoints;

namespace PoseLive.Tests.Training;

[Collection("libtorch")]
public class TrainCliTests
{
    private static string[] Tiny(string json, string output, params string[] more)
    {
        // defaults for a quick run; an option given in `more` replaces its default
        var defaults = new (string Option, string Value)[] { ("--input", "64x64"), ("--epochs", "2"), ("--batch", "4"), ("--schedule", "constant"), ("--augment", "none"), ("--threads", "2") };
        var args = new List<string> { "train", "--net", "tiny", "--train", json, "--val", json, "--out", output };
        foreach (var (option, value) in defaults)
            if (!more.Contains(option)) args.AddRange([option, value]);
        args.AddRange(more);
        return [.. args];
    }

    [Fact]
    public void HelpShowsTheDefaults()
    {
        var (code, output, _) = CliRunner.Run("train", "--help");
        Assert.Equal(0, code);
        foreach (var text in new[] { "--net", "lpn50", "--codec", "msra", "multistep:170,200", "--epochs", "210", "--batch", "32", "--lr", "0.001", "--val-split", "--resume", "--init", "--export", "256x192", "adam" })
            Assert.Contains(text, output);
    }

    [Fact]
    public void TrainWritesARunAndExportsAServedModel()
    {
        using var dir = new TestData.TempDir();
        var json = SyntheticPoseData.WriteStills(dir.Path, 8, 96, 96);
        var run = dir.File("run");
        var (code, output, error) = CliRunner.Run(Tiny(json, run, "--export", "cli-tiny", "--models", dir.File("models")));
        Assert.True(code == 0, error);
        Assert.Contains("epoch 2/2: loss", output);
        Assert.Contains("val AP", output);
        Assert.Contains("exported models/cli-tiny.onnx", output);
        foreach (var f in new[] { "config.json", "metrics.jsonl", "last.pth", "best.pth", "loss.png", "val.png", "pck_per_keypoint.png" })
            Assert.True(File.Exists(Path.Combine(run, f)), f);
        Assert.True(File.Exists(dir.File("models/cli-tiny.card.json")));

        var (again, _, err) = CliRunner.Run("export", run, "--name", "cli-tiny-2", "--models", dir.File("models"));
        Assert.True(again == 0, err);
        Assert.True(File.Exists(dir.File("models/cli-tiny-2.onnx")));

        var (drawn, drawOut, drawErr) = CliRunner.Run("dataset", "draw", json, "--out", dir.File("sheet.png"), "--count", "4", "--input", "64x64");
        Assert.True(drawn == 0, drawErr);
        Assert.Contains("4 samples of 8", drawOut);
    }

    [Fact]
    public void BadInputIsAClearErrorAndEarlierCheckpointsStayIntact()
    {
        using var dir = new TestData.TempDir();
        var json = SyntheticPoseData.WriteStills(dir.Path, 8, 96, 96);
        var run = dir.File("run");
        Assert.Equal(0, CliRunner.Run(Tiny(json, run)).Code);
        var last = File.ReadAllBytes(Path.Combine(run, "last.pth"));

        // usage: values checked before any work
        var (code, _, error) = CliRunner.Run(Tiny(json, dir.File("other"), "--input", "63x64"));
        Assert.Equal(2, code);
        Assert.Contains("--input 63x64: both sides must be positive multiples of 4 for tiny", error);
        Assert.False(Directory.Exists(dir.File("other")));

        // a fresh run into a folder that holds one
        (code, _, error) = CliRunner.Run(Tiny(json, run));
        Assert.Equal(1, code);
        Assert.Contains("already holds a run (last.pth); add --resume", error);

        // an annotation with the wrong keypoint count
        var broken = dir.File("broken.json");
        var text = File.ReadAllText(json);
        int at = text.IndexOf("\"keypoints\":[", text.IndexOf("\"annotations\"", StringComparison.Ordinal), StringComparison.Ordinal) + "\"keypoints\":[".Length;
        File.WriteAllText(broken, text[..at] + "1,2,2," + text[at..]);
        (code, _, error) = CliRunner.Run(Tiny(broken, dir.File("b")));
        Assert.Equal(1, code);
        Assert.Contains("broken.json: annotations[0]: 'keypoints' has 54 values", error);

        // a .pth of another net (another keypoint count) for --init
        var other = dir.File("other-net");
        Assert.Equal(0, CliRunner.Run(Tiny(json, other, "--epochs", "1")).Code);
        using (var net = new PoseLive.Training.Nets.TinyPoseNet(18))
            ModuleCheckpoint.Save(net, dir.File("quadruped.pth"));
        (code, _, error) = CliRunner.Run(Tiny(json, dir.File("c"), "--init", dir.File("quadruped.pth")));
        Assert.Equal(1, code);
        Assert.Contains("quadruped.pth: 'body.15.weight': checkpoint shape [18, 64, 1, 1] does not match the model's [17, 64, 1, 1]", error);
        using (var lpn = new PoseLive.Training.Nets.Lpn(50))
            ModuleCheckpoint.Save(lpn, dir.File("lpn.pth"));
        (code, _, error) = CliRunner.Run(Tiny(json, dir.File("d"), "--init", dir.File("lpn.pth")));
        Assert.Equal(1, code);
        Assert.Contains("lpn.pth: none of its", error);
        Assert.Contains("another architecture", error);

        // an unwritable --out (a path below a file)
        (code, _, error) = CliRunner.Run(Tiny(json, Path.Combine(json, "run")));
        Assert.Equal(1, code);
        Assert.Contains("cannot write the run folder", error);

        // missing images beyond 1 %
        File.Delete(Path.Combine(dir.Path, "images", "img0003.png"));
        (code, _, error) = CliRunner.Run(Tiny(json, dir.File("e")));
        Assert.Equal(1, code);
        Assert.Contains("1 of 8 image files are missing", error);
        Assert.False(Directory.Exists(dir.File("e"))); // a run that cannot start leaves no folder behind

        Assert.Equal(last, File.ReadAllBytes(Path.Combine(run, "last.pth")));
        foreach (var line in error.Split('\n', StringSplitOptions.RemoveEmptyEntries)) Assert.DoesNotContain("Exception", line);
    }

    [Fact]
    public void InitFromACheckpointReportsTheKeysAndResumeContinues()
    {
        using var dir = new TestData.TempDir();
        var json = SyntheticPoseData.WriteStills(dir.Path, 8, 96, 96);
        var first = dir.File("first");
        Assert.Equal(0, CliRunner.Run(Tiny(json, first, "--epochs", "1")).Code);
        var (code, output, error) = CliRunner.Run(Tiny(json, dir.File("tuned"), "--init", Path.Combine(first, "best.pth")));
        Assert.True(code == 0, error);
        Assert.Contains("--init: 32 loaded; missing 0; unexpected 0", output);

        var (resumed, resumedOut, resumedErr) = CliRunner.Run(Tiny(json, first, "--epochs", "2", "--resume"));
        Assert.True(resumed == 0, resumedErr);
        Assert.Contains("resuming from", resumedOut);
        Assert.Contains("epochs 2..2", resumedOut);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(first, "metrics.jsonl")).Length);
    }
}

[Collection("libtorch")]
public class TrainCtrlCTests
{
    [Fact]
    public void CtrlCFinishesTheStepWritesACheckpointAndSaysHowToResume()
    {
        using var dir = new TestData.TempDir();
        var json = SyntheticPoseData.WriteStills(dir.Path, 16, 96, 96);
        var run = dir.File("run");
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "poselive.dll"), "train", "--net", "tiny", "--train", json,
            "--input", "64x64", "--epochs", "1000", "--batch", "2", "--threads", "1", "--out", run]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = System.Diagnostics.Process.Start(psi)!;
        var stdout = new System.Text.StringBuilder();
        var stderr = new System.Text.StringBuilder();
        p.OutputDataReceived += (_, e) => { lock (stdout) stdout.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { lock (stderr) stderr.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        // wait for two finished epochs in the run's records (the child's stdout may reach us only at its exit)
        var metrics = Path.Combine(run, "metrics.jsonl");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!(File.Exists(metrics) && File.ReadAllLines(metrics).Length >= 2))
        {
            Assert.False(p.HasExited, "the run ended before it was interrupted: " + stderr);
            if (clock.Elapsed > TimeSpan.FromMinutes(2)) { p.Kill(); Assert.Fail($"no second epoch within 2 minutes; stdout: {stdout}; stderr: {stderr}"); }
            Thread.Sleep(50);
        }
        // SIGTERM takes the same path as Ctrl-C (SIGINT): both cancel the command's token
        int killed;
        using (var kill = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("kill", ["-TERM", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { RedirectStandardError = true })!)
        {
            kill.WaitForExit();
            killed = kill.ExitCode;
        }
        Assert.True(p.WaitForExit(60_000));
        p.WaitForExit(); // drains the asynchronous readers
        var rest = stdout.ToString();
        Assert.True(p.ExitCode == 1, $"kill exit {killed}; exit {p.ExitCode}: " + rest[..Math.Min(300, rest.Length)]);
        Assert.Matches(@"stopped after (step \d+ of epoch \d+|epoch \d+); .*last\.pth written\. Continue with the same command and --resume", rest);
        var tree = (Dictionary<object, object?>)PoseLive.Training.Checkpoints.PthReader.ReadTree(Path.Combine(run, "last.pth"))!;
        long done = (long)tree["epoch"]!;
        Assert.True(done >= 2);
        string until = (done + 2).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (code, output, error) = CliRunner.Run("train", "--net", "tiny", "--train", json, "--input", "64x64", "--epochs", until, "--batch", "2", "--threads", "1", "--out", run, "--resume");
        Assert.True(code == 0, error);
        Assert.Contains("resuming from", output);
        Assert.Contains($"epoch {until}/{until}", output);
    }
}
