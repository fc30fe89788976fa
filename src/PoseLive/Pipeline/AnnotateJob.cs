using PoseLive.Detection;
using PoseLive.Estimation;
using PoseLive.Export;
using PoseLive.Inference;
using PoseLive.Media;
using PoseLive.Models;
using PoseLive.Pose;
using PoseLive.Tracking;

namespace PoseLive.Pipeline;

/// <summary>Settings of `poselive annotate`.</summary>
public sealed record AnnotateOptions
{
    public required string OutputDirectory { get; init; }
    public string ModelsDirectory { get; init; } = ModelZoo.DefaultDirectory();
    public string PoseModel { get; init; } = "movenet-lightning";
    public string DetectorModel { get; init; } = "centernet";
    public float DetectorThreshold { get; init; } = 0.3f;
    /// <summary>Keypoints scored below this are not visible (v = 0) in the COCO dataset.</summary>
    public float KeypointThreshold { get; init; } = 0.3f;
    /// <summary>Also write NAME.csv in DeepLabCut's multi-animal layout.</summary>
    public bool WriteCsv { get; init; }
    public int DetectorInterval { get; init; } = 5;
    /// <summary>Shard k of N (0-based k): this run annotates frames [k·F/N, (k+1)·F/N) of each video.</summary>
    public (int Index, int Count) Shard { get; init; } = (0, 1);
    public bool Resume { get; init; }
    /// <summary>Replace the outputs of an earlier run in the folder (without it, a fresh run refuses to).</summary>
    public bool Overwrite { get; init; }
    public long? MaxFrames { get; init; }
    public double CheckpointSeconds { get; init; } = 10;
    /// <summary>Stages share the cores: no spin-waiting threads by default.</summary>
    public InferenceOptions Inference { get; init; } = new() { AllowSpinning = false };
    /// <summary>Also render the annotated video (GL, offscreen) to this MP4 (with several videos: NAME inserted before the extension).</summary>
    public string? RenderPath { get; init; }
}

/// <summary>What an annotation run produced.</summary>
public sealed record AnnotateResult(string Video, string Dataset, string Results, string Journal, long Frames, long ResumedFrames, PipelineMetrics.Summary Metrics)
{
    /// <summary>Where the networks ran: "CPU" or "CUDA:N" (also recorded in the dataset's info as "device").</summary>
    public string Device { get; init; } = "CPU";

    /// <summary>NAME.csv (DeepLabCut layout) when asked for.</summary>
    public string? Csv { get; init; }
}

/// <summary>
/// Annotates one video offline: outputs `NAME.coco.json` (dataset with tracked people), `NAME.results.json`
/// (COCO results) and `NAME.jsonl` (per-frame journal) in the output folder. With --resume, the journal's
/// finished frames are replayed through the tracker (restoring ids and smoothing exactly) and decoding
/// continues after the last one, so the final files equal an uninterrupted run's.
/// </summary>
public static class AnnotateJob
{
    public static async Task<AnnotateResult> RunAsync(string video, AnnotateOptions o, Action<long, long?>? progress = null, CancellationToken cancellationToken = default)
    {
        PrepareOutputDirectory(o.OutputDirectory);
        if (o.RenderPath is not null) Rendering.RenderSink.EnsureAvailable();
        using var source = VideoSource.Open(video);
        var baseName = Path.GetFileNameWithoutExtension(video) + (o.Shard.Count > 1 ? $".shard-{o.Shard.Index}-of-{o.Shard.Count}" : "");
        var dataset = Path.Combine(o.OutputDirectory, baseName + ".coco.json");
        var results = Path.Combine(o.OutputDirectory, baseName + ".results.json");
        var journalPath = Path.Combine(o.OutputDirectory, baseName + ".jsonl");
        if (!o.Resume && !o.Overwrite && new[] { dataset, results, journalPath }.FirstOrDefault(File.Exists) is string existing)
            throw new OutputExistsException($"{existing} holds an earlier run: add --resume to continue it, or --overwrite to replace it");

        // frame range of this shard
        long total = source.Video.FrameCount > 0 ? source.Video.FrameCount
            : source.Container.Duration is { } d && source.Video.FramesPerSecond > 0 ? (long)Math.Round(d.TotalSeconds * source.Video.FramesPerSecond) : 0;
        long first = 0, count = long.MaxValue;
        if (o.Shard.Count > 1)
        {
            if (total <= 0) throw new MediaException(video, "its frame count is unknown, so it cannot be split into shards");
            first = total * o.Shard.Index / o.Shard.Count;
            count = total * (o.Shard.Index + 1) / o.Shard.Count - first;
        }
        if (o.MaxFrames is long max) count = Math.Min(count, max);

        var (detCard, detPath) = ModelZoo.Find(o.ModelsDirectory, o.DetectorModel, "detector");
        var (poseCard, posePath) = ModelZoo.Find(o.ModelsDirectory, o.PoseModel, "pose");
        using var detector = new CenterNetDetector(detCard, detPath, o.Inference, o.DetectorThreshold, poseCard.DetectorClassIds(detCard));
        using var estimator = PoseEstimators.Create(poseCard, posePath, o.Inference);
        var device = estimator.Provider == ExecutionProvider.Cuda ? $"CUDA:{o.Inference.CudaDeviceId}" : "CPU";
        // offline: a track's first frames are written too once it is confirmed (back-fill)
        var trackerOptions = new TrackerOptions { FirstTrackId = o.Shard.Index * 1_000_000 + 1, Sigmas = estimator.Schema.Sigmas, Backfill = true };

        // the shard's whole frame range, whatever --max-frames says (merge checks the shard covered it)
        long? shardFrames = o.Shard.Count > 1 ? total * (o.Shard.Index + 1) / o.Shard.Count - first : total > 0 ? total : null;
        var settings = AnnotationSettings.Of(video, detCard, detPath, poseCard, posePath, o, trackerOptions, device, first, shardFrames);

        // resume: the interrupted run's settings must be these; then replay its finished frames
        if (o.Resume && File.Exists(journalPath)) AnnotationSettings.CheckResume(journalPath, settings);
        List<JournalFrame> done = o.Resume && File.Exists(journalPath) ? FrameJournal.Read(journalPath) : [];
        var tracker = new PoseTracker(trackerOptions);
        foreach (var f in done) tracker.Update(f.Time, f.Raw);
        PipelineResumeState? resume = done.Count > 0 ? new PipelineResumeState(tracker, done[^1].Raw, done.Count) : null;
        if (done.Count > 0) source.Seek(TimeSpan.FromSeconds(done[^1].Time) + TimeSpan.FromTicks(10)); // the first frame after the last finished one
        else if (first > 0) source.Seek(TimeSpan.FromSeconds(first / source.Video.FramesPerSecond));
        long remaining = count == long.MaxValue ? long.MaxValue : Math.Max(0, count - done.Count);

        using var journal = FrameJournal.OpenForAppend(journalPath, resume: done.Count > 0, settings);
        var coco = new CocoVideoSink(dataset, results, Path.GetFileName(video), estimator.Schema, string.Join("+", poseCard.PosedClasses()))
        {
            CheckpointSeconds = o.CheckpointSeconds,
            VisibleScore = o.KeypointThreshold,
            Info = new Dictionary<string, string>
            {
                ["video"] = Path.GetFileName(video), ["detector"] = detCard.Name, ["pose_model"] = poseCard.Name,
                ["detector_interval"] = o.DetectorInterval.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["device"] = device,
                ["producer"] = $"PoseLive {ThisAssembly.Version}",
            },
        };
        coco.Preload(done);
        long expected = count == long.MaxValue ? Math.Max(0, total - first) : count;
        var progressSink = new ProgressSink(done.Count, expected > 0 ? expected : null, progress);
        var pipeline = new PosePipeline(detector, estimator, new PipelineOptions
        {
            DetectorInterval = o.DetectorInterval,
            MaxFrames = remaining == long.MaxValue ? null : remaining,
            Tracker = trackerOptions,
        });
        using var render = o.RenderPath is { } renderPath ? new Rendering.RenderSink(renderPath, estimator.Schema, source.Video.AverageFrameRate) : null;
        estimator.CaptureHeatmaps = render is not null;
        if (render is not null && done.Count > 0) throw new ArgumentException("--render cannot be combined with --resume (the video would miss the resumed frames).");
        IFrameSink[] sinks = render is null ? [journal, coco, progressSink] : [journal, coco, render, progressSink];
        if (remaining > 0) await pipeline.RunAsync(source, sinks, cancellationToken, resume).ConfigureAwait(false);
        else coco.Complete(cancelled: false);
        string? csv = null;
        if (o.WriteCsv)
        {
            csv = Path.Combine(o.OutputDirectory, baseName + ".csv");
            DlcCsvWriter.Write(csv, Coco.CocoReader.ReadGroundTruth(dataset), $"PoseLive_{poseCard.Name}");
        }
        return new AnnotateResult(video, dataset, results, journalPath, coco.FrameCount, done.Count, pipeline.Metrics.Snapshot()) { Device = device, Csv = csv };
    }

    private static void PrepareOutputDirectory(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
            var probe = Path.Combine(directory, $".poselive-write-test-{Environment.ProcessId}");
            File.WriteAllBytes(probe, [1]);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Output folder '{directory}' is not writable: {e.Message}", e);
        }
    }

    private sealed class ProgressSink(long start, long? total, Action<long, long?>? report) : IFrameSink
    {
        private long _done = start;
        public void Write(FrameResult result) => report?.Invoke(++_done, total);
        public void Complete(bool cancelled) { }
    }
}
