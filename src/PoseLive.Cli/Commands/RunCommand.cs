using System.CommandLine;
using System.Runtime.InteropServices;
using PoseLive.Detection;
using PoseLive.Estimation;
using PoseLive.Export;
using PoseLive.Inference;
using PoseLive.Media;
using PoseLive.Models;
using PoseLive.Pipeline;
using PoseLive.Pipeline.Live;
using PoseLive.Rendering;

namespace PoseLive.Cli.Commands;

/// <summary>
/// `poselive run SOURCE`: the live pipeline on a camera, stream or file (a file plays in real time, like a camera;
/// `--fast` processes every frame unpaced instead), printing metrics every second.
/// </summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var sourceArg = new Argument<string?>("source") { Description = "Video file, URL or libavformat input (omit with --camera).", Arity = ArgumentArity.ZeroOrOne };
        var camera = new Option<int?>("--camera") { Description = "Camera index (/dev/videoN)." };
        var format = new Option<string?>("--format", "-f") { Description = "Input format by name (e.g. lavfi, video4linux2)." };
        var fast = new Option<bool>("--fast") { Description = "Files: process every frame as fast as it decodes (no pacing, nothing dropped) instead of playing it in real time like a camera." };
        var realtime = new Option<bool>("--realtime") { Description = "Play a file in real time (the default; kept for older scripts).", Hidden = true };
        var animal = AnimalOption.Create();
        var model = new Option<string>("--model") { Description = $"Pose model (installed: {InstalledModels.Names("pose")}). The default is the fast one; `pose` on stills defaults to the accurate movenet-thunder.", DefaultValueFactory = _ => "movenet-lightning" };
        var interval = new Option<int>("--detector-interval") { Description = "Run the detector every N frames (and early when a person is lost).", DefaultValueFactory = _ => 5 }.AtLeast(1);
        var maxPeople = new Option<int?>("--max-people") { Description = "Track at most N people (the first found keep their places; live only): bounds the per-frame cost, like MediaPipe's num_poses." };
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
            sourceArg, camera, format, fast, realtime, model, animal, interval, maxPeople, detThreshold, kptThreshold, jsonl, seconds, dir, window, screenshot, device, stats, statsInterval,
        };
        maxPeople.Validators.Add(r => { if (OptionChecks.Get<int?>(r) is int n && n < 1) r.AddError($"--max-people: must be 1 or more (got {n})"); });
        camera.Validators.Add(r => { if (OptionChecks.Get<int?>(r) is int i && i < 0) r.AddError($"--camera: must be 0 or more (got {i})"); });
        command.Validators.Add(r =>
        {
            bool hasSource = r.GetValue(sourceArg) is not null, hasCamera = r.GetValue(camera) is not null;
            if (!hasSource && !hasCamera) r.AddError("give a source (file, URL or input) or --camera N");
            else if (hasSource && hasCamera) r.AddError($"give a source or --camera N, not both (got '{r.GetValue(sourceArg)}' and --camera {r.GetValue(camera)})");
            if (r.GetValue(screenshot) is not null && !r.GetValue(window)) r.AddError("--screenshot needs --window");
            if (r.GetValue(fast) && r.GetValue(realtime)) r.AddError("--fast and --realtime contradict each other: give one");
            if (r.GetValue(fast) && r.GetValue(maxPeople) is not null) r.AddError("--max-people is for live runs: --fast estimates everyone the detector finds");
            if (r.GetValue(fast) && hasCamera) r.AddError("--fast is for files: a camera delivers frames in real time");
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            bool paced = parse.GetValue(camera) is not null || !parse.GetValue(fast);
            // stages share the cores: no spin-waiting threads. Live, the detector gets one thread beside the frame path and the
            // pose net two (measured with `ratio live`: 2.1 people estimated per frame instead of 1.4, same 30 fps)
            var inference = DeviceOption.Apply(parse, device, new InferenceOptions { AllowSpinning = false, IntraOpThreads = paced ? 1 : 0 }, parse.InvocationConfiguration.Error);
            var poseInference = paced ? inference with { IntraOpThreads = 2 } : inference;
            var directory = parse.GetValue(dir) ?? ModelZoo.DefaultDirectory();
            using var source = parse.GetValue(camera) is int index
                ? VideoSource.OpenCamera(index)
                : VideoSource.Open(parse.GetRequiredValue(sourceArg)!,
                    new VideoSourceOptions { InputFormat = parse.GetValue(format), RealTime = paced });
            var (detCard, detPath) = ModelZoo.Find(directory, "centernet", "detector");
            var (poseCard, posePath) = AnimalOption.PoseModel(parse, model, animal, directory);
            using var detector = new CenterNetDetector(detCard, detPath, inference, parse.GetValue(detThreshold), poseCard.DetectorClassIds(detCard));
            using var estimator = PoseEstimators.Create(poseCard, posePath, poseInference);
            using var journal = parse.GetValue(jsonl) is string path ? FrameJournal.OpenForAppend(path, resume: false) : null;
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (parse.GetValue(seconds) is double s) stop.CancelAfter(TimeSpan.FromSeconds(s));
            // Ctrl-C and SIGTERM stop the run like Esc, also while the window's loop holds this thread (the parser's own
            // handler is only installed once the action first awaits): the window closes, the sinks flush, the summary prints.
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            var windowSink = parse.GetValue(window) ? new WindowSink() : null;
            estimator.CaptureHeatmaps = windowSink is not null;           // the H key shows them
            IFrameSink[] sinks = [.. new IFrameSink?[] { journal, windowSink }.OfType<IFrameSink>()];
            PipelineMetrics metrics;
            Task run;
            string mode;
            if (paced)
            {
                var live = new LivePipeline(detector, estimator, new LiveOptions { DetectorInterval = parse.GetValue(interval), MaxPeople = parse.GetValue(maxPeople) });
                metrics = live.Metrics;
                run = live.RunAsync(source, sinks, stop.Token);
                mode = parse.GetValue(camera) is null ? "played in real time like a camera (--fast: every frame, unpaced)" : "live";
            }
            else
            {
                var offline = new PosePipeline(detector, estimator, new PipelineOptions { DetectorInterval = parse.GetValue(interval) });
                metrics = offline.Metrics;
                run = offline.RunAsync(source, sinks, stop.Token);
                mode = "every frame as fast as it decodes (--fast: unpaced, nothing dropped)";
            }
            using var recorder = parse.GetValue(stats) is string csv ? new SoakRecorder(csv, metrics, TimeSpan.FromSeconds(parse.GetValue(statsInterval))) : null;
            output.WriteLine($"{source.Url}: {source.Video.Width}x{source.Video.Height} @ {source.Video.FramesPerSecond:0.##} fps, {mode}; {detCard.Name} every {parse.GetValue(interval)} frames + {poseCard.Name} on {DeviceOption.Describe(estimator.Provider, inference.CudaDeviceId)}; Ctrl-C to stop");
            if (windowSink is not null)
            {
                string device = $"{DeviceOption.Describe(estimator.Provider, inference.CudaDeviceId)} | {poseCard.Name} + {detCard.Name}";
                var liveWindow = new LiveWindow { ScreenshotPath = parse.GetValue(screenshot), MinKeypointScore = parse.GetValue(kptThreshold) };
                liveWindow.Run(windowSink, estimator.Schema, stop, shown => Hud(metrics.Snapshot(), shown, device));
                if (parse.GetValue(screenshot) is string shot && liveWindow.LastShownFrame is long shown) output.WriteLine($"screenshot: {shot} (frame {shown})");
            }
            while (!run.IsCompleted)
            {
                try { await timer.WaitForNextTickAsync(stop.Token); } catch (OperationCanceledException) { break; }
                output.WriteLine($"  {metrics.Snapshot()}");
            }
            await run;
            output.WriteLine($"done: {metrics.Snapshot()}");
            if (recorder is not null) output.WriteLine($"stats: {recorder.Finish()} ({parse.GetValue(stats)})");
            return PoseLiveCli.ExitOk;
        });
        return command;
    }

    /// <summary>The live window's HUD lines from the metrics so far.</summary>
    private static IReadOnlyList<string> Hud(PipelineMetrics.Summary m, WindowFrame shown, string device) =>
    [
        string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0:F1} fps   latency p50 {1:F0} ms  p99 {2:F0} ms", m.Fps, m.EndToEnd.P50, m.EndToEnd.P99),
        string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0} people tracked ({1} extrapolated)   {2} dropped",
            shown.People.Count, shown.People.Count(p => p.Extrapolated), m.Dropped),
        device,
    ];
}
