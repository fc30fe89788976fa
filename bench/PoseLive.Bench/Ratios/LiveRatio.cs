using System.Globalization;
using System.Text.Json;
using PoseLive.Detection;
using PoseLive.Estimation;
using PoseLive.Inference;
using PoseLive.IO;
using PoseLive.Media;
using PoseLive.Models;
using PoseLive.Pipeline;
using PoseLive.Pipeline.Live;

namespace PoseLive.Bench.Ratios;

/// <summary>
/// `ratio live [VTEST] [SECONDS] [OUT.json] [CAPS]`: the live pipeline as `poselive run` serves it (CenterNet beside the frame
/// path with one intra-op thread, MoveNet Lightning every frame within the pose budget with two (POSELIVE_BENCH_POSE_THREADS
/// to compare), no spinning) on the
/// 640×480 crop of vtest.avi re-timed to 30 fps and paced in real time, into a JSON Lines journal (as `run --jsonl`, a temporary
/// file), once per people cap 1…8 and once uncapped
/// (`--max-people`: the first tracked keep their places, so the cap sets how many people are in play). Each row:
/// processed fps (the source's 30 × the share of its frames processed; the metrics' wall-clock rate beside it), drops, people per frame and the share extrapolated rather than estimated, latency p50/p99 per stage
/// and source→output, managed bytes allocated per frame (all threads, after the first 30 frames; in the report also per 1000 frames, to tell
/// start-up growth from a steady cost) and GC counts. Reports the first cap at which
/// 30 fps is lost (processed &lt; 97 % of the source's rate). POSELIVE_BENCH_ALLOC_ONLY=1 prints instead where the pose
/// stage's bytes come from, step by step (<see cref="LiveAllocations"/>).
/// </summary>
internal static class LiveRatio
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    /// <summary>Frames the last row's source pool ever created.</summary>
    private static int FramePoolSize;
    private static readonly int PoseThreads = int.TryParse(Environment.GetEnvironmentVariable("POSELIVE_BENCH_POSE_THREADS"), out var t) && t > 0 ? t : 2;

    private sealed record Row(string Cap, double Fps, double WallFps, long Frames, long Dropped, double People, double Estimated, double ExtrapolatedShare,
        long Detections, double DetectP50, double DetectP99, double PoseP50, double PoseP99, double TrackP50, double TrackP99,
        double EndToEndP50, double EndToEndP99, double BytesPerFrame, int Gen0, int Gen1, int Gen2, long[] BytesPerThousandFrames);

    public static async Task<int> Run(string vtest, double seconds, string? reportPath, string caps = "1,2,3,4,5,6,7,8,none")
    {
        var dir = ModelZoo.DefaultDirectory();
        var (detCard, detPath) = ModelZoo.Find(dir, "centernet");
        var (poseCard, posePath) = ModelZoo.Find(dir, "movenet-lightning");
        var inference = new InferenceOptions { IntraOpThreads = 1, AllowSpinning = false };   // as `poselive run` serves live:
        using var detector = new CenterNetDetector(detCard, detPath, inference, 0.3f, poseCard.DetectorClassIds(detCard));
        using var estimator = PoseEstimators.Create(poseCard, posePath, inference with { IntraOpThreads = PoseThreads });  // the detector 1 thread, the pose net 2
        var url = "movie=" + Path.GetFullPath(vtest).Replace("\\", "/").Replace(":", "\\:") + ":loop=0,crop=640:480:64:48,settb=1/30,setpts=N";   // looped: a row may run longer than the clip's 26 s
        // settb first: `setpts=N/(30*TB)` alone keeps vtest's 1/10 time base, so every three frames share one PTS and a
        // real-time source releases them together (two of three dropped whatever the pipeline does)
        const double sourceFps = 30;

        if (Environment.GetEnvironmentVariable("POSELIVE_BENCH_ALLOC_ONLY") == "1") { LiveAllocations.Print(detector, estimator, url, int.TryParse(Environment.GetEnvironmentVariable("POSELIVE_BENCH_ALLOC_FRAMES"), out var af) && af > 30 ? af : 300); return 0; }
        await Once(detector, estimator, url, null, 3);                                      // warm-up: sessions, pools, JIT
        var rows = new List<Row>();
        Console.WriteLine(string.Format(Inv, "live: 640x480 crop of vtest.avi at {0} fps, real-time paced, {1} s per row; centernet beside the frame path (every 5 frames, early on loss), movenet-lightning within 80 % of the frame interval; detector 1 thread, pose net {2}", sourceFps, seconds, PoseThreads));
        Console.WriteLine("  cap    fps (wall)  dropped  people  estimated  extrap.  detect p50/p99   pose p50/p99   source→output p50/p99  KB/frame  gen0/1/2");
        foreach (int? cap in caps.Split(',').Select(c => c.Trim() == "none" ? (int?)null : int.Parse(c, Inv)))
        {
            var row = await Once(detector, estimator, url, cap, seconds);
            rows.Add(row);
            Console.WriteLine(string.Format(Inv, "  {0,-4} {1,5:F1} ({17,4:F1})  {2,7}  {3,6:F2}  {4,9:F2}  {5,6:F1} %  {6,6:F1}/{7,6:F1}  {8,6:F1}/{9,6:F1}  {10,9:F1}/{11,6:F1}  {12,12:F1}  {13}/{14}/{15}  pool {16}",
                row.Cap, row.Fps, row.Dropped, row.People, row.Estimated, 100 * row.ExtrapolatedShare, row.DetectP50, row.DetectP99,
                row.PoseP50, row.PoseP99, row.EndToEndP50, row.EndToEndP99, row.BytesPerFrame / 1024, row.Gen0, row.Gen1, row.Gen2, FramePoolSize, row.WallFps));
        }
        var lost = rows.FirstOrDefault(r => r.Fps < 0.97 * sourceFps);
        Console.WriteLine(lost is null ? "  30 fps held at every cap" : $"  30 fps lost at cap {lost.Cap} ({lost.People.ToString("F1", Inv)} people in play)");
        if (reportPath is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(reportPath))!);
            AtomicFile.WriteAllBytes(reportPath, JsonSerializer.SerializeToUtf8Bytes(new
            {
                source = url, sourceFps, seconds, detector = detCard.Name, pose = poseCard.Name, detectorThreads = 1, poseThreads = PoseThreads,
                rows, fpsLostAtCap = lost?.Cap,
            }, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
            Console.WriteLine($"  report: {reportPath}");
        }
        return 0;
    }

    private static async Task<Row> Once(IPersonDetector detector, IPoseEstimator estimator, string url, int? cap, double seconds)
    {
        using var source = VideoSource.Open(url, new VideoSourceOptions { InputFormat = "lavfi", RealTime = true });
        var pipeline = new LivePipeline(detector, estimator, new LiveOptions { MaxPeople = cap, MaxFrames = (long)(seconds * 30) });
        var probe = new SteadyState(skip: 30);
        var journalPath = Path.Combine(Path.GetTempPath(), $"poselive-live-{Environment.ProcessId}.jsonl");
        try
        {
            using var journal = Export.FrameJournal.OpenForAppend(journalPath, resume: false);   // as `run --jsonl`: a line per frame
            await pipeline.RunAsync(source, [journal, probe]);
        }
        finally { File.Delete(journalPath); }
        FramePoolSize = source.Pool.Allocated;
        var m = pipeline.Metrics.Snapshot();
        // processed fps: the source's rate times the share of its frames that came out (the metrics' own rate also counts
        // the start: sessions warmed up, the first frame awaited)
        double processed = m.FramesIn > 0 ? 30.0 * m.FramesOut / m.FramesIn : 0;
        return new Row(cap?.ToString(Inv) ?? "none", processed, m.Fps, m.FramesOut, m.Dropped, m.MeanPeople, m.MeanPeople * (1 - m.ExtrapolatedShare), m.ExtrapolatedShare,
            m.Detections, m.Detect.P50, m.Detect.P99, m.Pose.P50, m.Pose.P99, m.Track.P50, m.Track.P99, m.EndToEnd.P50, m.EndToEnd.P99,
            probe.BytesPerFrame, probe.Gen0, probe.Gen1, probe.Gen2, probe.BytesPerThousandFrames);
    }

    /// <summary>
    /// Managed bytes allocated (all threads) and GC counts between the <c>skip</c>-th frame reaching the sinks and the
    /// end: the steady state, without the start-up (threads, first buffers of the pools).
    /// </summary>
    private sealed class SteadyState(int skip) : IFrameSink
    {
        private long _frames, _bytes, _windowStart;
        private int _g0, _g1, _g2;
        private readonly long[] _windows = new long[64];                // bytes allocated in each 1000 frames after skip (preallocated)
        private int _windowCount;

        public double BytesPerFrame { get; private set; }
        public int Gen0 { get; private set; }
        public int Gen1 { get; private set; }
        public int Gen2 { get; private set; }
        /// <summary>Bytes allocated (all threads) in each complete window of 1000 frames after the skipped start.</summary>
        public long[] BytesPerThousandFrames => _windows[.._windowCount];

        public void Write(FrameResult result)
        {
            ++_frames;
            if (_frames > skip && (_frames - skip) % 1000 == 0 && _windowCount < _windows.Length)
            {
                long now = GC.GetTotalAllocatedBytes(precise: true);
                _windows[_windowCount++] = now - _windowStart;
                _windowStart = now;
            }
            if (_frames != skip) return;
            (_g0, _g1, _g2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
            _bytes = _windowStart = GC.GetTotalAllocatedBytes(precise: true);
        }

        public void Complete(bool cancelled)
        {
            if (_frames <= skip) return;
            BytesPerFrame = (double)(GC.GetTotalAllocatedBytes(precise: true) - _bytes) / (_frames - skip);
            (Gen0, Gen1, Gen2) = (GC.CollectionCount(0) - _g0, GC.CollectionCount(1) - _g1, GC.CollectionCount(2) - _g2);
        }
    }
}
