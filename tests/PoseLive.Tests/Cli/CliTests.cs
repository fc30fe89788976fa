using PoseLive.Tests.TestSupport;
using System.Diagnostics;
using PoseLive.Cli;

namespace PoseLive.Tests.Cli;

/// <summary>The `poselive` command line: exit codes, help, version, doctor.</summary>
public class CliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);

    [Fact]
    public void Version_prints_the_library_version()
    {
        var (code, output, _) = Run("--version");
        Assert.Equal(0, code);
        Assert.Equal(PoseLive.ThisAssembly.Version, output.Trim());
    }

    [Fact]
    public void Unknown_verb_is_a_usage_error()
    {
        var (code, _, err) = Run("frobnicate");
        Assert.Equal(PoseLiveCli.ExitUsage, code);
        Assert.Contains("frobnicate", err);
    }

    [Fact]
    public void Unknown_option_is_a_usage_error()
    {
        var (code, _, err) = Run("doctor", "--colour");
        Assert.Equal(2, code);
        Assert.Contains("--colour", err);
    }

    [Fact]
    public void Probe_counts_the_frames_of_vtest()
    {
        var path = PoseLive.Tests.TestSupport.MediaFiles.Sample("vtest.avi");
        var (code, output, _) = Run("probe", path, "--count-frames");
        Assert.Equal(0, code);
        Assert.Contains("format avi, duration 79.500 s", output);
        Assert.Contains("video msmpeg4v3 768x576 yuv420p, 10 fps, time base 1/10", output);
        Assert.Contains("frames 795 (counted)", output);
    }

    [Fact]
    public void Probe_json_lists_streams()
    {
        var (code, output, _) = Run("probe", "testsrc2=size=96x64:rate=25", "--format", "lavfi", "--json");
        Assert.Equal(0, code);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        var video = doc.RootElement.GetProperty("streams")[0];
        Assert.Equal(96, video.GetProperty("width").GetInt32());
        Assert.Equal(25.0, video.GetProperty("fps").GetDouble());
    }

    [Fact]
    public void Probe_of_a_missing_file_fails_naming_it()
    {
        var (code, _, err) = Run("probe", "/nonexistent/clip.mp4");
        Assert.Equal(1, code);
        Assert.Contains("/nonexistent/clip.mp4: file does not exist", err);
    }

    [Fact]
    public void Eval_prints_the_coco_table_and_writes_json()
    {
        using var dir = new PoseLive.Tests.TestSupport.TestData.TempDir();
        var gts = new[] { PoseLive.Tests.Coco.CocoScenes.Gt(1, 1, 10, 10, 60), PoseLive.Tests.Coco.CocoScenes.Gt(2, 1, 200, 10, 60) };
        PoseLive.Coco.CocoWriter.WriteGroundTruth(dir.File("gt.json"), PoseLive.Tests.Coco.CocoScenes.Dataset(gts, 1));
        PoseLive.Coco.CocoWriter.WriteResults(dir.File("dt.json"), [PoseLive.Tests.Coco.CocoScenes.Dt(gts[0], 0.9)]);
        var (code, output, _) = Run("eval", "--gt", dir.File("gt.json"), "--dt", dir.File("dt.json"), "--json", dir.File("stats.json"), "--pck", "0.05");
        Assert.Equal(0, code);
        Assert.Contains("Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets= 20 ] = 0.505", output);
        Assert.Contains("Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets= 20 ] = 0.500", output);
        Assert.Contains("PCK@0.05 (bbox): accuracy over all labelled keypoints = 0.5000", output);
        using var stats = System.Text.Json.JsonDocument.Parse(File.ReadAllText(dir.File("stats.json")));
        Assert.Equal(51.0 / 101, stats.RootElement.GetProperty("AP").GetDouble(), 12);
    }

    [Fact]
    public void Eval_of_a_malformed_file_fails_naming_it()
    {
        using var dir = new PoseLive.Tests.TestSupport.TestData.TempDir();
        File.WriteAllText(dir.File("gt.json"), "{\"images\": 3}");
        var (code, _, err) = Run("eval", "--gt", dir.File("gt.json"), "--dt", dir.File("gt.json"));
        Assert.Equal(1, code);
        Assert.Contains("gt.json: 'images' must be an array", err);
        Assert.Equal(2, Run("eval", "--gt", dir.File("gt.json")).Code); // --dt missing: usage
    }

    [Fact]
    public void Models_list_and_info_show_the_installed_models()
    {
        var (code, output, _) = Run("models", "list");
        Assert.Equal(0, code);
        Assert.Contains("movenet-thunder", output);
        Assert.Contains("centernet            detector  512x512", output);
        (code, output, _) = Run("models", "info", "movenet-lightning");
        Assert.Equal(0, code);
        Assert.Contains("\"decoder\": \"movenet\"", output);
        Assert.Equal(1, Run("models", "info", "no-such-model").Code);
    }

    [Fact]
    public void Pose_writes_coco_results_and_an_overlay()
    {
        using var dir = new PoseLive.Tests.TestSupport.TestData.TempDir();
        var (code, output, err) = Run("pose", PoseLive.Tests.TestSupport.MediaFiles.Sample("basketball2.png"), "--out", dir.File("r.json"), "--render", dir.File("o.png"), "--model", "movenet-lightning");
        Assert.True(code == 0, err);
        Assert.Contains("640x480, 2 people", output);
        var results = PoseLive.Coco.CocoReader.ReadResults(dir.File("r.json"));
        Assert.Equal(2, results.Count);
        Assert.Equal(51, results[0].Keypoints.Length);
        Assert.True(results[0].Score > results[1].Score);
        using var overlay = PoseLive.Media.VideoSource.Open(dir.File("o.png"));
        Assert.Equal((640, 480), (overlay.Video.Width, overlay.Video.Height));
    }

    [Fact]
    public void Device_auto_runs_where_it_can_and_says_so_in_one_line()
    {
        var (code, output, err) = Run("pose", PoseLive.Tests.TestSupport.MediaFiles.Sample("basketball2.png"), "--model", "movenet-lightning", "--device", "auto");
        Assert.True(code == 0, err);
        if (PoseLive.Inference.CudaSupport.Current.Usable) { Assert.Contains("on CUDA:0", output); return; }
        Assert.Contains("2 people (centernet + movenet-lightning on CPU)", output);
        var notice = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("poselive: device auto: running on the CPU (", notice);
        Assert.Contains("libcudart.so.13", notice);
    }

    [Theory]
    [InlineData("pose", "cuda")]
    [InlineData("annotate", "cuda:1")]
    [InlineData("run", "cuda")]
    public void Device_cuda_without_cuda_fails_naming_the_missing_libraries(string verb, string device)
    {
        if (PoseLive.Inference.CudaSupport.Current.Usable) return; // a CUDA machine: nothing is missing
        using var dir = new PoseLive.Tests.TestSupport.TestData.TempDir();
        string[] args = verb switch
        {
            "pose" => ["pose", PoseLive.Tests.TestSupport.MediaFiles.Sample("basketball2.png")],
            "annotate" => ["annotate", PoseLive.Tests.TestSupport.MediaFiles.Sample("vtest.avi"), "--out", dir.Path, "--max-frames", "2"],
            _ => ["run", PoseLive.Tests.TestSupport.MediaFiles.Sample("vtest.avi"), "--seconds", "1"],
        };
        var (code, output, err) = Run([.. args, "--device", device]);
        Assert.Equal(1, code);
        var line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"--device {device}: the CUDA execution provider is not available", line);
        foreach (var lib in PoseLive.Inference.CudaSupport.Current.Missing) Assert.Contains(lib, line);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path)); // nothing was started
        Assert.DoesNotContain("frames", output);
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:-1")]
    public void Device_that_is_not_a_device_is_a_usage_error(string device)
    {
        var (code, _, err) = Run("pose", PoseLive.Tests.TestSupport.MediaFiles.Sample("basketball2.png"), "--device", device);
        Assert.Equal(2, code);
        Assert.Contains($"--device: '{device}' is not a device: use cpu, cuda, cuda:N", err);
    }

    [Fact]
    public void Pose_on_a_file_that_is_not_an_image_fails_naming_it()
    {
        using var dir = new PoseLive.Tests.TestSupport.TestData.TempDir();
        File.WriteAllText(dir.File("photo.jpg"), "not an image at all");
        var (code, _, err) = Run("pose", dir.File("photo.jpg"));
        Assert.Equal(1, code);
        Assert.Contains("photo.jpg", err);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("doctor", "--help")]
    [InlineData("probe", "--help")]
    [InlineData("eval", "--help")]
    [InlineData("models", "fetch", "--help")]
    [InlineData("pose", "--help")]
    public void Every_verb_has_help(params string[] args)
    {
        var (code, output, _) = Run(args);
        Assert.Equal(0, code);
        Assert.Contains("Usage:", output);
    }

    [Fact]
    public void Doctor_reports_every_dependency_as_present_after_setup()
    {
        var (code, output, _) = Run("doctor");
        Assert.Equal(0, code);
        // the official runtime, restored by NuGet beside the application
        Assert.Matches(@"\[ok  \] onnxruntime\s+1\.31\.1 from \S+/runtimes/linux-x64/native/libonnxruntime\.so", output);
        // CUDA is optional: each library it needs is named, found or missing
        Assert.Matches(@"\[(ok  |warn)\] cuda\s+(usable|not usable)", output);
        foreach (var (name, _) in PoseLive.Inference.CudaSupport.Requirements) Assert.Contains(name, output);
        Assert.Matches(@"\[ok  \] ffmpeg\s+FFmpeg 5\.1", output);
        Assert.Matches(@"\[ok  \] opengl\s+EGL 1\.\d, .+4\.5", output);
        Assert.Contains("[ok  ] libtorch", output);
        Assert.Contains("openblas", output);
    }

    [Fact]
    public void Doctor_json_is_machine_readable()
    {
        var (code, output, _) = Run("doctor", "--json");
        Assert.Equal(0, code);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        var names = doc.RootElement.EnumerateArray().Select(e => e.GetProperty("name").GetString() ?? "").ToArray();
        Assert.Equal(["onnxruntime", "cuda", "ffmpeg", "opengl", "libtorch", "blas"], names);
    }

    // The runtime loads once per process, so a missing or broken library is tested in a child process run from a
    // copy of the application folder whose libonnxruntime.so is absent or not ONNX Runtime.
    [Theory]
    [InlineData(null, "libonnxruntime.so")]
    [InlineData("/usr/lib/x86_64-linux-gnu/libz.so.1", "OrtGetApiBase")]
    public async Task Doctor_with_unloadable_onnxruntime_says_why_and_how_to_fix(string? replacement, string why)
    {
        using var dir = new PoseLive.Tests.TestSupport.TestData.TempDir();
        var app = Path.Combine(dir.Path, "app");
        var native = Path.Combine("runtimes", "linux-x64", "native", "libonnxruntime.so");
        // Hard links (cp -al), not symbolic ones: the host resolves the application folder through symbolic links.
        using (var cp = Process.Start("cp", ["-al", AppContext.BaseDirectory.TrimEnd('/'), app])!) { await cp.WaitForExitAsync(); Assert.Equal(0, cp.ExitCode); }
        File.Delete(Path.Combine(app, native));
        if (replacement is not null) File.CreateSymbolicLink(Path.Combine(app, native), replacement);
        var psi = new ProcessStartInfo("dotnet", [Path.Combine(app, "poselive.dll"), "doctor"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(timeout.Token);
        var output = await stdout + await stderr;
        Assert.Equal(1, p.ExitCode);
        Assert.Contains("[MISSING] onnxruntime", output);
        Assert.Contains(why, output);
        Assert.Contains("scripts/setup.sh", output);
        Assert.DoesNotContain("Exception", output);
        Assert.Contains("[ok  ] ffmpeg", output); // the other checks still ran
    }
}
