using PoseLive.Tests.TestSupport;

namespace PoseLive.Tests.Cli;

/// <summary>
/// Every value is checked before any work starts: a bad one is a usage error (exit 2, "error: --flag: reason"),
/// a bad input a runtime error (exit 1) on one line that names the file once, with no .NET type names, and
/// nothing is written in either case.
/// </summary>
public class CliValidationTests
{
    private static readonly string Vtest = MediaFiles.Sample("vtest.avi");
    private static readonly string Still = MediaFiles.Sample("basketball1.png");

    public static TheoryData<string[], string> UsageErrors() => new()
    {
        { ["annotate", Vtest, "--detector-interval", "0"], "--detector-interval: must be at least 1 (got 0)" },
        { ["annotate", Vtest, "--detector-interval", "-3"], "--detector-interval: must be at least 1 (got -3)" },
        { ["run", Vtest, "--detector-interval", "0"], "--detector-interval: must be at least 1 (got 0)" },
        { ["annotate", Vtest, "--max-frames", "-5"], "--max-frames: must be at least 1 (got -5)" },
        { ["annotate", Vtest, "--max-frames", "abc"], "--max-frames: 'abc' is not a whole number" },
        { ["annotate", Vtest, "--threads", "1000"], $"--threads: must be 0 (one per core) to {Environment.ProcessorCount} (this machine's cores), got 1000" },
        { ["annotate", Vtest, "--threads", "-1"], "--threads: must be 0 (one per core)" },
        { ["eval", "--gt", "a.json", "--dt", "b.json", "--pck", "-1"], "--pck: must be greater than 0 and at most 1 (got -1)" },
        { ["eval", "--gt", "a.json", "--dt", "b.json", "--pck-norm", "bogus"], "--pck-norm: 'bogus' is not bbox, fixed:PIXELS or pair:A,B" },
        { ["pose", Still, "--det-threshold", "-1"], "--det-threshold: must be between 0 and 1 (got -1)" },
        { ["annotate", Vtest, "--det-threshold", "1.5"], "--det-threshold: must be between 0 and 1 (got 1.5)" },
        { ["run", Vtest, "--seconds", "-1"], "--seconds: must be greater than 0" },
        { ["run", Vtest, "--jsonl", "/proc/x/a.jsonl"], "--jsonl: cannot write /proc/x/a.jsonl: the folder /proc is not writable" },
        { ["pose", Still, "--out", "/proc/version"], "--out: cannot write /proc/version: the folder /proc is not writable" },
        { ["pose", Still, "--render", "/proc/x/o.png"], "--render: cannot write /proc/x/o.png" },
        { ["annotate", Vtest, "--render", "/proc/x/v.mp4"], "--render: cannot write /proc/x/v.mp4" },
        { ["annotate", Vtest, "--out", "/proc/version"], "--out: /proc/version is a file, not a folder" },
        { ["annotate", Vtest, "--shard", "3/2"], "--shard: '3/2' must be k/N with 0 ≤ k < N" },
        { ["annotate", Vtest, "--shard", "x"], "--shard: 'x' must be k/N" },
        { ["annotate", Vtest, "--render", "/tmp/never.mp4", "--resume"], "--render cannot be combined with --resume" },
        { ["run"], "give a source (file, URL or input) or --camera N" },
        { ["run", Vtest, "--camera", "0"], "give a source or --camera N, not both" },
        { ["pose", Still, "--device", "gpu"], "--device: 'gpu' is not a device" },
    };

    [Theory]
    [MemberData(nameof(UsageErrors))]
    public void Bad_values_are_usage_errors_before_any_work(string[] args, string expected)
    {
        var (code, output, err) = CliRunner.Run(args);
        Assert.True(code == 2, $"exit {code}: {err}");
        Assert.Contains($"poselive: error: {expected}", err);
        Assert.Equal("", output);                                   // nothing ran
        Assert.DoesNotContain("System.", err);
        Assert.DoesNotContain("Exception", err);
    }

    [Fact]
    public void A_pck_pair_outside_the_schema_is_a_usage_error_naming_the_dataset()
    {
        using var dir = new TestData.TempDir();
        var gt = dir.File("gt.json");
        PoseLive.Coco.CocoWriter.WriteGroundTruth(gt, PoseLive.Tests.Coco.CocoScenes.Dataset([PoseLive.Tests.Coco.CocoScenes.Gt(1, 1, 10, 10, 60)], 1));
        PoseLive.Coco.CocoWriter.WriteResults(dir.File("dt.json"), [PoseLive.Tests.Coco.CocoScenes.Dt(PoseLive.Tests.Coco.CocoScenes.Gt(1, 1, 10, 10, 60), 0.9)]);
        var (code, output, err) = CliRunner.Run("eval", "--gt", gt, "--dt", dir.File("dt.json"), "--pck", "0.05", "--pck-norm", "pair:1,99");
        Assert.Equal(2, code);
        Assert.Contains($"poselive: error: --pck-norm: pair:1,99: keypoint 99 does not exist in {gt} (it has 17 keypoints, 0 to 16)", err);
        Assert.Equal("", output);                                   // no AP table first
    }

    [Theory]
    [InlineData("zero.mp4", "", "file is empty (0 bytes)")]
    [InlineData("text.mp4", "this is a text file\n", "not a video or image FFmpeg can decode (moov atom not found)")]
    [InlineData("photo.png", "\u0089PNG garbage garbage garbage", "not a video or image FFmpeg can decode")]
    public void A_bad_input_is_one_line_naming_it_once_and_leaves_no_empty_output_folder(string name, string content, string problem)
    {
        using var dir = new TestData.TempDir();
        var input = dir.File(name);
        File.WriteAllText(input, content);
        var outDir = dir.File("out");
        var (code, _, err) = CliRunner.Run("annotate", input, "--out", outDir, "--device", "cpu");
        Assert.Equal(1, code);
        var line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"poselive: error: {input}: {problem}", line.Length > $"poselive: error: {input}: {problem}".Length ? line[..$"poselive: error: {input}: {problem}".Length] : line);
        Assert.Equal(1, CountOf(line, input));
        Assert.False(Directory.Exists(outDir));                     // the folder this run created is gone again
    }

    [Fact]
    public void A_still_that_is_not_an_image_says_so_without_ffmpeg_noise()
    {
        using var dir = new TestData.TempDir();
        var path = dir.File("garbage.png");
        File.WriteAllBytes(path, [.. Enumerable.Range(0, 3000).Select(i => (byte)(i * 7919 % 251))]);
        var (code, _, err) = CliRunner.Run("pose", path, "--device", "cpu");
        Assert.Equal(1, code);
        var line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"poselive: error: {path}: not a video or image FFmpeg can decode (", line);
        Assert.DoesNotContain("analyzeduration", err);
    }

    [Fact]
    public void A_detector_given_as_the_pose_model_is_named_with_the_pose_models_installed()
    {
        using var dir = new TestData.TempDir();
        var (code, _, err) = CliRunner.Run("annotate", Vtest, "--model", "centernet", "--out", dir.File("out"), "--device", "cpu");
        Assert.Equal(1, code);
        Assert.Contains("Model 'centernet' is a detector model, not a pose model; installed pose models: ", err);
        Assert.Contains("movenet-lightning", err);
        Assert.DoesNotContain("NCHW", err);
    }

    [Fact]
    public void Summaries_say_one_frame_and_never_minus_zero()
    {
        using var dir = new TestData.TempDir();
        var (code, output, err) = CliRunner.Run("annotate", Vtest, "--out", dir.File("out"), "--max-frames", "1", "--device", "cpu");
        Assert.True(code == 0, err);
        Assert.Contains(": 1 frame →", output);
        Assert.Contains("1 frame in", output);
        Assert.DoesNotContain("1 frames", output);
        (code, output, err) = CliRunner.Run("pose", MediaFiles.Sample("messi5.jpg"), "--device", "cpu");
        Assert.True(code == 0, err);
        Assert.DoesNotContain("(-0,", output);
        Assert.DoesNotContain(",-0,", output);
    }

    private static int CountOf(string text, string part)
    {
        int n = 0;
        for (int i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal)) n++;
        return n;
    }
}

/// <summary>The progress rate of a resumed run counts only the frames it annotated itself.</summary>
public class FrameRateTests
{
    [Fact]
    public void Resumed_frames_do_not_inflate_the_rate()
    {
        var rate = new PoseLive.Cli.Commands.FrameRate();
        Assert.Equal(0, rate.Update(120));                            // the first report of a run resumed after 119 frames
        Thread.Sleep(200);
        double fps = rate.Update(122);                                // two new frames in ≥ 0.2 s
        Assert.InRange(fps, 0.1, 10.0);                               // counting the resumed 120 would give ≥ 600
    }
}
