using System.CommandLine;
using PoseLive.Detection;
using PoseLive.Estimation;
using PoseLive.Export;
using PoseLive.Inference;
using PoseLive.Media;
using PoseLive.Models;
using PoseLive.Pipeline;
using PoseLive.Rendering;

namespace PoseLive.Cli.Commands;

/// <summary>`poselive run SOURCE`: the live pipeline (drop-oldest) on a file, camera or stream, printing metrics every second.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var sourceArg = new Argument<string?>("source") { Description = "Video file, URL or libavformat input (omit with --camera).", Arity = ArgumentArity.ZeroOrOne };
        var camera = new Option<int?>("--camera") { Description = "Camera index (/dev/videoN)." };
        var format = new Option<string?>("--format", "-f") { Description = "Input format by name (e.g. lavfi, video4linux2)." };
        var realtime = new Option<bool>("--realtime") { Description = "Release file frames at their timestamps, like a live camera." };
        var animal = AnimalOption.Create();
        var model = new Option<string>("--model") { Description = $"Pose model (installed: {InstalledModels.Names("pose")}). The default is the fast one; `pose` on stills defaults to the accurate movenet-thunder.", DefaultValueFactory = _ => "movenet-lightning" };
        var interval = new Option<int>("--detector-interval") { Description = "Run the detector every N frames (and early when a person is lost).", DefaultValueFactory = _ => 5 }.AtLeast(1);
        var detThreshold = new Option<float>("--det-threshold") { Description = "Minimum detector score for a person.", DefaultValueFactory = _ => 0.3f }.Between(0, 1);
        var kptThreshold = new Option<float>("--kpt-threshold") { Description = "With --window: keypoints scored below this are not drawn.", DefaultValueFactory = _ => 0.3f }.Between(0, 1);
        var jsonl = new Option<string?>("--jsonl") { Description = "Also stream per-frame JSON Lines to this file." }.WritableFile();
        var seconds = new Option<double?>("--seconds") { Description = "Stop after this many seconds." }.PositiveAtMost(1e9);
        var dir = new Option<string?>("--models") { Description = "Models folder." };
        var window = new Option<bool>("--window") { Description = "Show the live window (OpenGL): Space pause, . step, H heatmaps, S skeletons, B boxes, D detector boxes, Esc quit." };
        var screenshot = new Option<string?>("--screenshot") { Description = "With --window: save the last shown frame as PNG on exit." }.WritableFile();
        var device = DeviceOption.Create();
        var stats = new Option<string?>("--stats") { Description = "Sample memory, GC counts, fps and drops into this CSV every --stats-interval seconds; plots NAME.rss.png and NAME.fps.png beside it at the end (soak runs)." }.WritableFile();
        var statsInterval = new Option<int>("--stats-interval") { Description = "Seconds between --stats samples.", DefaultValueFactory = _ => 10 }.AtLeast(1);
        var command = new Command("run", "Run the live pipeline on a source (drop-oldest under load) and print fps, latency and drops every second; optionally in a window.")
        {
            sourceArg, camera, format, realtime, model, animal, interval, detThreshold, kptThreshold, jsonl, seconds, dir, window, screenshot, device, stats, statsInterval,
        };
        camera.Validators.Add(r => { if (OptionChecks.Get<int?>(r) is int i && i < 0) r.AddError($"--camera: must be 0 or more (got {i})"); });
        command.Validators.Add(r =>
        {
            bool hasSource = r.GetValue(sourceArg) is not null, hasCamera = r.GetValue(camera) is not null;
            if (!hasSource && !hasCamera) r.AddError("give a source (file, URL or input) or --camera N");
            else if (hasSource && hasCamera) r.AddError($"give a source or --camera N, not both (got '{r.GetValue(sourceArg)}' and --camera {r.GetValue(camera)})");
            if (r.GetValue(screenshot) is not null && !r.GetValue(window)) r.AddError("--screenshot needs --window");
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            // stages share the cores: no spin-waiting threads
            var inference = DeviceOption.Apply(parse, device, new InferenceOptions { AllowSpinning = false }, parse.InvocationConfiguration.Error);
            var directory = parse.GetValue(dir) ?? ModelZoo.DefaultDirectory();
            using var source = parse.GetValue(camera) is int index
                ? VideoSource.OpenCamera(index)
                : VideoSource.Open(parse.GetRequiredValue(sourceArg)!,
                    new VideoSourceOptions { InputFormat = parse.GetValue(format), RealTime = parse.GetValue(realtime) });
            var (detCard, detPath) = ModelZoo.Find(directory, "centernet", "detector");
            var (poseCard, posePath) = AnimalOption.PoseModel(parse, model, animal, directory);
            using var detector = new CenterNetDetector(detCard, detPath, inference, parse.GetValue(detThreshold), poseCard.DetectorClassIds(detCard));
            using var estimator = PoseEstimators.Create(poseCard, posePath, inference);
            var pipeline = new PosePipeline(detector, estimator, new PipelineOptions { Mode = PipelineMode.Live, DetectorInterval = parse.GetValue(interval) });
            using var journal = parse.GetValue(jsonl) is string path ? FrameJournal.OpenForAppend(path, resume: false) : null;
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (parse.GetValue(seconds) is double s) stop.CancelAfter(TimeSpan.FromSeconds(s));
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            var windowSink = parse.GetValue(window) ? new WindowSink() : null;
            estimator.CaptureHeatmaps = windowSink is not null;           // the H key shows them
            IFrameSink[] sinks = [.. new IFrameSink?[] { journal, windowSink }.OfType<IFrameSink>()];
            using var recorder = parse.GetValue(stats) is string csv ? new SoakRecorder(csv, pipeline.Metrics, TimeSpan.FromSeconds(parse.GetValue(statsInterval))) : null;
            var run = pipeline.RunAsync(source, sinks, stop.Token);
            output.WriteLine($"{source.Url}: {source.Video.Width}x{source.Video.Height} @ {source.Video.FramesPerSecond:0.##} fps, {detCard.Name} every {parse.GetValue(interval)} frames + {poseCard.Name} on {DeviceOption.Describe(estimator.Provider, inference.CudaDeviceId)}; Ctrl-C to stop");
            if (windowSink is not null)
            {
                new LiveWindow { ScreenshotPath = parse.GetValue(screenshot), MinKeypointScore = parse.GetValue(kptThreshold) }.Run(windowSink, estimator.Schema, stop, () =>
                {
                    var m = pipeline.Metrics.Snapshot();
                    return string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0:F1} fps, latency p50 {1:F0} ms, {2} dropped", m.Fps, m.EndToEnd.P50, m.Dropped);
                });
            }
            while (!run.IsCompleted)
            {
                try { await timer.WaitForNextTickAsync(stop.Token); } catch (OperationCanceledException) { break; }
                output.WriteLine($"  {pipeline.Metrics.Snapshot()}");
            }
            await run;
            output.WriteLine($"done: {pipeline.Metrics.Snapshot()}");
            if (recorder is not null) output.WriteLine($"stats: {recorder.Finish()} ({parse.GetValue(stats)})");
            return PoseLiveCli.ExitOk;
        });
        return command;
    }
}
