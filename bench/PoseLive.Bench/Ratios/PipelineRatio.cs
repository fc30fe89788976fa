using System.Diagnostics;
using System.Globalization;
using PoseLive.Detection;
using PoseLive.Estimation;
using PoseLive.Inference;
using PoseLive.Media;
using PoseLive.Models;
using PoseLive.Pipeline;
using PoseLive.Pose;

namespace PoseLive.Bench.Ratios;

/// <summary>
/// (1) Offline: annotate throughput (the pipeline, stages overlapped) vs the inference-only ceiling on the
/// same frames and models (the detector and pose runs of the same schedule, timed alone, sequentially).
/// (2) Live: moved to `ratio live` (<see cref="LiveRatio"/>).
/// (3) Allocation: GC counts and bytes over 1,000 frames of the offline pipeline.
/// </summary>
internal static class PipelineRatio
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<int> Run(string vtest, int frames)
    {
        var dir = ModelZoo.DefaultDirectory();
        var (detCard, detPath) = ModelZoo.Find(dir, "centernet");
        var (poseCard, posePath) = ModelZoo.Find(dir, "movenet-lightning");
        var options = new InferenceOptions();                       // the ceiling: models alone, default (spinning) threads
        var pipelineOptions = new InferenceOptions { AllowSpinning = false }; // the pipeline: stages share the cores

        // (1a) the ceiling: the same schedule (detector every 5th frame, boxes from keypoints between), model calls only
        using (var detector = new CenterNetDetector(detCard, detPath, options))
        using (var estimator = PoseEstimators.Create(poseCard, posePath, options))
        {
            var decoded = new List<VideoFrame>();
            using (var source = VideoSource.Open(vtest)) { VideoFrame? f; while (decoded.Count < frames && (f = source.ReadFrame()) is not null) decoded.Add(CopyOf(f)); }
            RunSchedule(detector, estimator, decoded.Take(20).ToList()); // warm-up
            var (modelSeconds, people) = RunSchedule(detector, estimator, decoded);
            foreach (var f in decoded) f.Dispose();
            double ceiling = decoded.Count / modelSeconds;

            // (1b) the pipeline on the same frames (decoding included), with its own sessions
            using var pDetector = new CenterNetDetector(detCard, detPath, pipelineOptions);
            using var pEstimator = PoseEstimators.Create(poseCard, posePath, pipelineOptions);
            var pipeline = new PosePipeline(pDetector, pEstimator, new PipelineOptions { DetectorInterval = 5 });
            var clock = Stopwatch.StartNew();
            using (var source = VideoSource.Open(vtest)) await pipeline.RunAsync(source, [], default);
            double pipelineFps = pipeline.Metrics.Snapshot().FramesOut / clock.Elapsed.TotalSeconds;
            Console.WriteLine(string.Format(Inv, "offline, {0} frames of vtest.avi, centernet every 5 + movenet-lightning, {1:F1} people/frame:", decoded.Count, people / decoded.Count));
            Console.WriteLine(string.Format(Inv, "  inference-only ceiling {0:F1} fps (model calls alone, sequential); pipeline {1:F1} fps; ratio {2:F3} (target ≥ 0.90)", ceiling, pipelineFps, pipelineFps / ceiling));
        }

        // (2) live: see `ratio live` (the live pipeline, people caps 1…8)

        // (3) allocations over 1,000 frames (offline, stages overlapped)
        using (var detector = new CenterNetDetector(detCard, detPath, pipelineOptions))
        using (var estimator = PoseEstimators.Create(poseCard, posePath, pipelineOptions))
        {
            var vtestFull = Path.GetFullPath(vtest).Replace("\\", "/").Replace(":", "\\:");
            using var looped = VideoSource.Open($"movie={vtestFull}:loop=2,setpts=N/(10*TB)", new VideoSourceOptions { InputFormat = "lavfi" });
            var pipeline = new PosePipeline(detector, estimator, new PipelineOptions { DetectorInterval = 5, MaxFrames = 1100 });
            int g0 = GC.CollectionCount(0), g1 = GC.CollectionCount(1), g2 = GC.CollectionCount(2);
            long bytes = GC.GetTotalAllocatedBytes(precise: true);
            await pipeline.RunAsync(looped, []);
            long allocated = GC.GetTotalAllocatedBytes(precise: true) - bytes;
            long n = pipeline.Metrics.Snapshot().FramesOut;
            Console.WriteLine(string.Format(Inv, "allocation over {0} frames: gen0 {1}, gen1 {2}, gen2 {3} collections; {4:F1} KB managed per frame; frame pool: {5} buffers",
                n, GC.CollectionCount(0) - g0, GC.CollectionCount(1) - g1, GC.CollectionCount(2) - g2, allocated / 1024.0 / n, looped.Pool.Allocated));
        }
        return 0;
    }

    private static (double Seconds, double People) RunSchedule(IPersonDetector detector, IPoseEstimator estimator, List<VideoFrame> frames)
    {
        double seconds = 0, people = 0;
        IReadOnlyList<PersonPose> previous = [];
        for (int i = 0; i < frames.Count; i++)
        {
            var f = frames[i];
            var clock = Stopwatch.StartNew();
            IReadOnlyList<DetectedBox> boxes = i % 5 == 0 ? detector.Detect(f.Plane(0), f.Width, f.Height, f.Stride)
                : previous.Select(p => BoundingBox.Around(p.Keypoints, 0.3f)).Where(b => b is not null).Select(b => new DetectedBox(b!.Value, 0.5f, 0)).ToList();
            seconds += clock.Elapsed.TotalSeconds;
            clock.Restart();
            previous = estimator.Estimate(f.Plane(0), f.Width, f.Height, f.Stride, boxes);
            seconds += clock.Elapsed.TotalSeconds;
            people += previous.Count;
        }
        return (seconds, people);
    }

    private static VideoFrame CopyOf(VideoFrame f)
    {
        var copy = VideoFrame.CreateUnpooled(f.Width, f.Height, f.Format);
        f.Buffer.CopyTo(copy.Buffer, 0);
        copy.Pts = f.Pts; copy.TimeBase = f.TimeBase; copy.Index = f.Index;
        f.Dispose();
        return copy;
    }
}
