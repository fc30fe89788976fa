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
        var options = new LiveOptions();
        var tracker = new PoseTracker(options.Tracker);
        var scheduler = new RegionScheduler(options);
        var regions = new List<TrackRegion>();
        var boxes = new List<DetectedBox>();
        var keys = new List<long>();
        var extrapolate = new HashSet<long>();
        var bytes = new long[6];
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
            void Count(int i, long from) { if (warm) bytes[i] += GC.GetAllocatedBytesForCurrentThread() - from; }
            long a = GC.GetAllocatedBytesForCurrentThread();
            if (n % 5 == 0) scheduler.Merge(frame.Time, detector.Detect(frame.Plane(0), frame.Width, frame.Height, frame.Stride), tracker);
            Count(0, a); a = GC.GetAllocatedBytesForCurrentThread();
            tracker.Regions(frame.Time, regions);
            Count(1, a); a = GC.GetAllocatedBytesForCurrentThread();
            scheduler.Plan(frame.Time, regions, 8, frame.Width, frame.Height, boxes, keys, extrapolate);
            Count(2, a); a = GC.GetAllocatedBytesForCurrentThread();
            var poses = boxes.Count == 0 ? [] : estimator.Estimate(frame.Plane(0), frame.Width, frame.Height, frame.Stride, boxes);
            Count(3, a); a = GC.GetAllocatedBytesForCurrentThread();
            var kept = new List<PersonPose>(poses.Count);             // as the live pose stage: the frame's own list
            PoseDeduplication.Apply(poses, estimator.Schema.Sigmas, kept, ref dedupe);
            Count(4, a); a = GC.GetAllocatedBytesForCurrentThread();
            tracker.Update(frame.Time, kept, extrapolate);
            Count(5, a);
            n++;
        }
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Format(inv, "  allocation by step, bytes per frame over {0} frames (one thread, all people estimated): decode {1:F0}", measured, (double)decodeBytes / measured)
            + string.Concat(names.Select((name, i) => string.Format(inv, ", {0} {1:F0}", name, (double)bytes[i] / measured))));
    }
}
