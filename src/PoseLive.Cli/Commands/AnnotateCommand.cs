using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using PoseLive.Inference;
using PoseLive.Pipeline;
using Spectre.Console;

namespace PoseLive.Cli.Commands;

/// <summary>`poselive annotate VIDEO...`: offline annotation to COCO keypoint JSON with track ids, JSON Lines and metrics.</summary>
internal static class AnnotateCommand
{
    public static Command Create()
    {
        var videos = new Argument<string[]>("videos") { Description = "Video files to annotate; a folder stands for the videos in it, a quoted glob (\"clips/*.mp4\") for the files it matches.", Arity = ArgumentArity.OneOrMore };
        var outDir = new Option<string>("--out") { Description = "Output folder.", DefaultValueFactory = _ => "out" }.WritableDirectory();
        var model = new Option<string>("--model") { Description = $"Pose model (installed: {InstalledModels.Names("pose")}). The default is the fast one; `pose` on stills defaults to the accurate movenet-thunder.", DefaultValueFactory = _ => "movenet-lightning" };
        var animal = AnimalOption.Create();
        var detector = new Option<string>("--detector") { Description = "Person detector model.", DefaultValueFactory = _ => "centernet" };
        var interval = new Option<int>("--detector-interval") { Description = "Run the detector every N frames; in between, boxes follow the keypoints.", DefaultValueFactory = _ => 5 }.AtLeast(1);
        var detThreshold = new Option<float>("--det-threshold") { Description = "Minimum detector score for a person.", DefaultValueFactory = _ => 0.3f }.Between(0, 1);
        var kptThreshold = new Option<float>("--kpt-threshold") { Description = "Keypoints scored below this are written as not visible (v = 0) in the COCO dataset; scores are kept in results and CSV.", DefaultValueFactory = _ => 0.3f }.Between(0, 1);
        var format = new Option<string>("--format") { Description = "Output formats, comma-separated: coco (dataset, results, journal; always written) and csv (DeepLabCut's multi-animal CSV, NAME.csv).", DefaultValueFactory = _ => "coco" };
        format.Validators.Add(r =>
        {
            var bad = (OptionChecks.Get<string>(r) ?? "").Split(',', StringSplitOptions.TrimEntries).Where(f => f is not ("coco" or "csv")).ToList();
            if (bad.Count > 0) r.AddError($"--format: {string.Join(", ", bad.Select(b => $"'{b}'"))} is not coco or csv");
        });
        var shard = new Option<string?>("--shard") { Description = "k/N: annotate shard k (0-based) of N of each video's frames (for running on many machines); auto or auto/N: the shard from a Kubernetes Indexed Job or Slurm job array." };
        var resume = new Option<bool>("--resume") { Description = "Continue an interrupted run from its journal (NAME.jsonl) in the output folder; its settings must be the same." };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace the outputs of an earlier run in the output folder (without it, annotate refuses to)." };
        var maxFrames = new Option<long?>("--max-frames") { Description = "Annotate at most this many frames of each video." }.AtLeast(1);
        var threads = new Option<int>("--threads") { Description = "ONNX Runtime intra-op threads (0: one per core)." }.Threads();
        var dir = new Option<string?>("--models") { Description = "Models folder." };
        var render = new Option<string?>("--render") { Description = "Also render the annotated video with the GL shaders (offscreen) to this MP4 file." }.WritableFile();
        var device = DeviceOption.Create();
        var command = new Command("annotate", "Annotate videos offline: detect, estimate, track and smooth people; write COCO keypoint JSON (with track ids), COCO results and per-frame JSON Lines.")
        {
            videos, outDir, model, animal, detector, interval, detThreshold, kptThreshold, format, shard, resume, overwrite, maxFrames, threads, dir, render, device,
        };
        shard.Validators.Add(r =>
        {
            if (OptionChecks.Get<string?>(r) is not string t || TryParseShard(t, out _)) return;
            if (!SchedulerShard.IsAuto(t)) { r.AddError($"--shard: '{t}' must be k/N with 0 ≤ k < N, auto, or auto/N"); return; }
            try { SchedulerShard.Resolve(t); }
            catch (ArgumentException e) { r.AddError(e.Message); }
        });
        command.Validators.Add(r =>
        {
            if (r.GetValue(render) is not null && r.GetValue(resume)) r.AddError("--render cannot be combined with --resume (the video would miss the resumed frames)");
            if (r.GetValue(overwrite) && r.GetValue(resume)) r.AddError("--overwrite and --resume contradict each other: continue the run, or replace it");
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var options = new AnnotateOptions
            {
                OutputDirectory = parse.GetRequiredValue(outDir),
                ModelsDirectory = parse.GetValue(dir) ?? PoseLive.Models.ModelZoo.DefaultDirectory(),
                PoseModel = AnimalOption.PoseModel(parse, model, animal, parse.GetValue(dir) ?? PoseLive.Models.ModelZoo.DefaultDirectory()).Card.Name,
                DetectorModel = parse.GetRequiredValue(detector),
                DetectorInterval = parse.GetValue(interval),
                DetectorThreshold = parse.GetValue(detThreshold),
                KeypointThreshold = parse.GetValue(kptThreshold),
                WriteCsv = parse.GetRequiredValue(format).Split(',', StringSplitOptions.TrimEntries).Contains("csv"),
                Shard = ResolveShard(parse.GetValue(shard), error),
                Resume = parse.GetValue(resume),
                Overwrite = parse.GetValue(overwrite),
                MaxFrames = parse.GetValue(maxFrames),
                Inference = DeviceOption.Apply(parse, device, new InferenceOptions { IntraOpThreads = parse.GetValue(threads), AllowSpinning = false }, error),
            };
            bool interactive = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
            bool outputExisted = Directory.Exists(options.OutputDirectory);
            int failed = 0;
            var all = InputFiles.Expand(parse.GetRequiredValue(videos), images: false);
            foreach (var video in all)
            {
                if (cancellationToken.IsCancellationRequested) break;
                try
                {
                    if (parse.GetValue(render) is string renderPath)
                        options = options with { RenderPath = all.Count == 1 ? renderPath : Path.Combine(Path.GetDirectoryName(renderPath) ?? ".", $"{Path.GetFileNameWithoutExtension(renderPath)}.{Path.GetFileNameWithoutExtension(video)}{Path.GetExtension(renderPath)}") };
                    var result = interactive ? await WithProgressBar(video, options, cancellationToken) : await WithPlainProgress(video, options, output, cancellationToken);
                    output.WriteLine($"{video}: {Messages.Count(result.Frames, "frame")}{(result.ResumedFrames > 0 ? $" ({result.ResumedFrames} resumed)" : "")} → {result.Dataset}, {result.Results}, {result.Journal}");
                    output.WriteLine($"  {result.Metrics} (on {result.Device})");
                    if (options.RenderPath is string rendered) output.WriteLine($"  rendered: {rendered}");
                    if (result.Csv is string csv) output.WriteLine($"  csv: {csv}");
                    if (cancellationToken.IsCancellationRequested)
                        output.WriteLine($"  cancelled: outputs hold the {Messages.Count(result.Frames, "finished frame")}; run again with --resume to continue");
                }
                catch (Exception e) when (e is not OperationCanceledException && e is not OutOfMemoryException)
                {
                    failed++;
                    error.WriteLine($"poselive: error: {Messages.About(video, e.Message)}");
                }
            }
            // a folder this run created and left empty (every input failed) goes again
            if (!outputExisted && Directory.Exists(options.OutputDirectory) && !Directory.EnumerateFileSystemEntries(options.OutputDirectory).Any())
                Directory.Delete(options.OutputDirectory);
            return failed > 0 || cancellationToken.IsCancellationRequested ? PoseLiveCli.ExitFailure : PoseLiveCli.ExitOk;
        });
        return command;
    }

    private static (int, int) ResolveShard(string? text, TextWriter notices)
    {
        if (text is null) return (0, 1);
        if (TryParseShard(text, out var shard)) return shard;
        var (index, count, from) = SchedulerShard.Resolve(text);
        notices.WriteLine($"poselive: shard {index}/{count} from the {from}");
        return (index, count);
    }

    private static bool TryParseShard(string text, out (int, int) shard)
    {
        shard = (0, 1);
        var parts = text.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], out var k) || !int.TryParse(parts[1], out var n) || n < 1 || k < 0 || k >= n) return false;
        shard = (k, n);
        return true;
    }

    private static Task<AnnotateResult> WithPlainProgress(string video, AnnotateOptions options, TextWriter output, CancellationToken ct)
    {
        var rate = new FrameRate();
        return AnnotateJob.RunAsync(video, options, (done, total) =>
        {
            double fps = rate.Update(done);
            if (done % 100 != 0) return;
            output.WriteLine(string.Format(CultureInfo.InvariantCulture, "  {0}: frame {1}{2}, {3:F1} fps", Path.GetFileName(video), done, total is long t ? $"/{t}" : "", fps));
        }, ct);
    }

    private static async Task<AnnotateResult> WithProgressBar(string video, AnnotateOptions options, CancellationToken ct)
    {
        AnnotateResult? result = null;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Path.GetFileName(video), maxValue: 1);
                var rate = new FrameRate();
                result = await AnnotateJob.RunAsync(video, options, (done, total) =>
                {
                    if (total is long t) task.MaxValue = t;
                    task.Value = done;
                    double fps = rate.Update(done);
                    task.Description = string.Format(CultureInfo.InvariantCulture, "{0} {1:F1} fps", Path.GetFileName(video), fps);
                }, ct);
                task.Value = task.MaxValue;
            });
        return result!;
    }
}
