using System.Globalization;
using PoseLive.Detection;
using PoseLive.Estimation;
using PoseLive.Media;
using PoseLive.Pipeline.Live;
using PoseLive.Tracking;

namespace PoseLive.Bench.Ratios;

/// <summary>
/// Where the live pose stage's managed allocations come from: the stage's steps run on one thread over real frames
/// (the 640×480 vtest crop), each step's bytes counted with <see cref="GC.GetAllocatedBytesForCurrentThread"/>.
/// </summary>
internal static class LiveAllocations
{
    public static void Print(IPersonDetector detector, IPoseEstimator estimator, string url, int frames)
    {
        using var source = VideoSource.Open(url, new VideoSourceOptions { InputFormat = "lavfi" });
        estimator.Prepare(8);                                          // as the live pipeline: every batch size up front
        var options = new LiveOptions();
        var tracker = new PoseTracker(options.Tracker);
        var scheduler = new RegionScheduler(options);
        var regions = new List<TrackRegion>();
        var boxes = new List<DetectedBox>();
        var keys = new List<long>();
        var extrapolate = new HashSet<long>();
        var estimates = new PoseBuffer();                              // as the live pose stage: reused storage
        var kept = new List<PersonPose>();
        var people = new PeopleBuffer();
        var detections = new List<DetectedBox>();
        var bytes = new long[6];
        var allocating = new int[6];                                   // frames in which the step allocated at all
        int[] dedupe = [];
        string[] names = ["detect (every 5th)", "regions", "plan", "estimate", "dedupe", "track"];
        int n = 0, measured = 0;
        long decodeBytes = 0;
        while (n < frames)
        {
            long t0 = GC.GetAllocatedBytesForCurrentThread();
            using var frame = source.ReadFrame();
            if (frame is null) break;
            long t1 = GC.GetAllocatedBytesForCurrentThread();
            bool warm = n >= 30;
            if (warm) { decodeBytes += t1 - t0; measured++; }
            void Count(int i, long from)
            {
                long b = GC.GetAllocatedBytesForCurrentThread() - from;
                if (!warm || b == 0) return;
                bytes[i] += b;
                allocating[i]++;
                if (Environment.GetEnvironmentVariable("POSELIVE_BENCH_ALLOC_TRACE") == "1") Console.WriteLine($"  frame {n}: {names[i]} {b} B");
            }
            long a = GC.GetAllocatedBytesForCurrentThread();
            if (n % 5 == 0)
            {
                detector.Detect(frame.Plane(0), frame.Width, frame.Height, frame.Stride, detections);
                scheduler.Merge(frame.Time, detections, tracker);
            }
            Count(0, a); a = GC.GetAllocatedBytesForCurrentThread();
            tracker.Regions(frame.Time, regions);
            Count(1, a); a = GC.GetAllocatedBytesForCurrentThread();
            scheduler.Plan(frame.Time, regions, 8, frame.Width, frame.Height, boxes, keys, extrapolate);
            Count(2, a); a = GC.GetAllocatedBytesForCurrentThread();
            estimator.Estimate(frame.Plane(0), frame.Width, frame.Height, frame.Stride, boxes, estimates);
            Count(3, a); a = GC.GetAllocatedBytesForCurrentThread();
            kept.Clear();
            PoseDeduplication.Apply(estimates.Poses, estimator.Schema.Sigmas, kept, ref dedupe);
            Count(4, a); a = GC.GetAllocatedBytesForCurrentThread();
            tracker.Update(frame.Time, kept, extrapolate, people);
            Count(5, a);
            n++;
        }
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Format(inv, "  allocation by step, bytes per frame over {0} frames (one thread, all people estimated): decode {1:F0}", measured, (double)decodeBytes / measured)
            + string.Concat(names.Select((name, i) => string.Format(inv, ", {0} {1:F0} ({2} frames)", name, (double)bytes[i] / measured, allocating[i]))));
    }
}
