using System.Diagnostics;
using System.Globalization;
using PoseLive.Coco;
using PoseLive.Detection;
using PoseLive.Estimation;
using PoseLive.Inference;
using PoseLive.Models;
using PoseLive.Pose;
using PoseLive.Training.Adaptation;

namespace PoseLive.Bench.Ratios;

/// <summary>
/// `ratio finetune RUN TUNED [ORIGINAL]`: a people fine-tuning run (`poselive finetune --footage …`) judged on its
/// held-out frames, through ONNX Runtime as the pipeline serves the models: OKS-AP of the original and the tuned model
/// against the teacher's labels (RUN/pseudo/val.json), keypoint jitter (mean second difference of confident keypoints
/// along each track, in % of the box height; also for near-static tracks), and per-frame latency of both on the same
/// frame and boxes, interleaved in one run (the tuned graph is the same graph: the ratio should be ~1).
/// </summary>
internal static class FinetuneRatio
{
    public static int Run(string run, string tuned, string original, int rounds = 61)
    {
        var inv = CultureInfo.InvariantCulture;
        var dir = ModelZoo.DefaultDirectory();
        var footage = FootageReport.Load(Path.Combine(run, "footage.json"));
        var truth = CocoReader.ReadGroundTruth(Path.Combine(run, "pseudo", "val.json"));
        var heldFrames = truth.Images.Where(i => i.FrameIndex is not null).Select(i => (i.VideoId ?? 0, i.FrameIndex!.Value)).ToHashSet();
        var options = new InferenceOptions { IntraOpThreads = Environment.ProcessorCount };
        var models = new[] { original, tuned };
        IPoseEstimator[] estimators = models.Select(m => { var (c, p) = ModelZoo.Find(dir, m, "pose"); return PoseEstimators.Create(c, p, options); }).ToArray();
        var results = models.Select(_ => new List<CocoResult>()).ToArray();
        var tracks = models.Select(_ => new Dictionary<int, List<(long Frame, Keypoint[] Points, BoundingBox Box)>>()).ToArray();
        var imageIds = truth.Images.ToDictionary(i => (i.VideoId ?? 0, i.FrameIndex ?? -1), i => i.Id);
        (byte[] Rgb, int W, int H, int Stride, List<DetectedBox> Boxes)? timingFrame = null;
        try
        {
            foreach (var clip in footage.Crops.GroupBy(c => c.Clip))
            {
                var byFrame = clip.GroupBy(c => c.Frame).ToDictionary(g => g.Key, g => g.ToList());
                var files = footage.ClipFiles[clip.Key];
                foreach (var (frame, index) in FootageCropsFrames(files))
                {
                    using (frame)
                    {
                        if (!heldFrames.Contains((clip.Key, index)) || !byFrame.TryGetValue(index, out var crops)) continue;
                        var boxes = crops.Select(c => new DetectedBox(c.Box, c.Score, 0)).ToList();
                        if (timingFrame is null && boxes.Count >= 4) timingFrame = (frame.Plane(0).ToArray(), frame.Width, frame.Height, frame.Stride, boxes);
                        for (int m = 0; m < models.Length; m++)
                        {
                            var poses = estimators[m].Estimate(frame.Plane(0), frame.Width, frame.Height, frame.Stride, boxes);
                            for (int i = 0; i < poses.Count; i++)
                            {
                                var triplets = new float[3 * poses[i].Keypoints.Length];
                                for (int j = 0; j < poses[i].Keypoints.Length; j++)
                                    if (!poses[i].Keypoints[j].IsMissing) (triplets[3 * j], triplets[3 * j + 1], triplets[3 * j + 2]) = (poses[i].Keypoints[j].X, poses[i].Keypoints[j].Y, poses[i].Keypoints[j].Score);
                                results[m].Add(new CocoResult(imageIds[(clip.Key, index)], 1, triplets, poses[i].Score));
                                if (!tracks[m].TryGetValue(crops[i].Track, out var list)) tracks[m][crops[i].Track] = list = [];
                                list.Add((index, poses[i].Keypoints, crops[i].Box));
                            }
                        }
                    }
                }
            }
            var sigmas = new Dictionary<int, double[]> { [1] = KeypointSchema.Coco17.Sigmas };
            Console.WriteLine($"held-out frames {heldFrames.Count}, people {results[0].Count}, teacher labels {Path.Combine(run, "pseudo", "val.json")}");
            var ap = new double[2];
            for (int m = 0; m < models.Length; m++)
            {
                var stats = new CocoKeypointEvaluator(truth, sigmas).Evaluate(results[m]);
                ap[m] = stats.AP;
                var (all, allCount) = Jitter(tracks[m], staticOnly: false);
                var (still, stillCount) = Jitter(tracks[m], staticOnly: true);
                Console.WriteLine(string.Format(inv, "  {0,-28} AP {1:F4} (AP50 {2:F4}, AR {3:F4}); jitter {4:F3} % of box height over {5} keypoint steps, near-static tracks {6:F3} % over {7}",
                    models[m], stats.AP, stats.AP50, stats.AR, all, allCount, still, stillCount));
            }
            Console.WriteLine(string.Format(inv, "  gap to AP 1 closed: {0:P1} (bar ≥ 50 %)", (ap[1] - ap[0]) / (1 - ap[0])));

            if (timingFrame is { } t)
            {
                // only the two timed sessions alive, one intra-op thread each and no spinning: with the scoring sessions' pools
                // alive and spinning, two copies of the same file timed 0.87–0.90 apart
                foreach (var e in estimators) e.Dispose();
                estimators = [];
                var single = new InferenceOptions { IntraOpThreads = 1, AllowSpinning = false };
                var timing = models.Select(m => { var (c, p) = ModelZoo.Find(dir, m, "pose"); return PoseEstimators.Create(c, p, single); }).ToArray();
                var times = models.Select(_ => new List<double>()).ToArray();
                for (int r = 0; r < rounds + 3; r++)
                    for (int k = 0; k < models.Length; k++)
                    {
                        int m = (r + k) % models.Length; // alternate the order
                        var sw = Stopwatch.StartNew();
                        timing[m].Estimate(t.Rgb, t.W, t.H, t.Stride, t.Boxes);
                        if (r >= 3) times[m].Add(sw.Elapsed.TotalMilliseconds);
                    }
                foreach (var e in timing) e.Dispose();
                double a = Median(times[0]), b = Median(times[1]);
                Console.WriteLine(string.Format(inv, "  per-frame latency ({0} people, 1 thread, {1} rounds interleaved): {2} {3:F2} ms, {4} {5:F2} ms, ratio {6:F3} (bar ≤ 1.05)",
                    t.Boxes.Count, rounds, models[0], a, models[1], b, b / a));
            }
        }
        finally
        {
            foreach (var e in estimators) e.Dispose();
        }
        return 0;
    }

    /// <summary>Mean |p(t+1) − 2p(t) + p(t−1)| over consecutive frames of a track, confident keypoints, in % of the box height.</summary>
    private static (double Percent, int Count) Jitter(Dictionary<int, List<(long Frame, Keypoint[] Points, BoundingBox Box)>> tracks, bool staticOnly)
    {
        double sum = 0;
        int count = 0;
        foreach (var list in tracks.Values)
            for (int i = 1; i + 1 < list.Count; i++)
            {
                var (a, b, c) = (list[i - 1], list[i], list[i + 1]);
                if (b.Frame - a.Frame != 1 || c.Frame - b.Frame != 1) continue;
                double h = Math.Max(b.Box.Height, 1);
                // near-static: the box centre moves less than 0.5 % of its height per frame
                double move = Math.Sqrt(Math.Pow(c.Box.X + c.Box.Width / 2 - a.Box.X - a.Box.Width / 2, 2) + Math.Pow(c.Box.Y + c.Box.Height / 2 - a.Box.Y - a.Box.Height / 2, 2)) / 2;
                if (staticOnly && move > 0.005 * h) continue;
                for (int j = 0; j < b.Points.Length; j++)
                {
                    var (p, q, r) = (a.Points[j], b.Points[j], c.Points[j]);
                    if (p.IsMissing || q.IsMissing || r.IsMissing || Math.Min(p.Score, Math.Min(q.Score, r.Score)) < 0.3f) continue;
                    sum += Math.Sqrt(Math.Pow(r.X - 2 * q.X + p.X, 2) + Math.Pow(r.Y - 2 * q.Y + p.Y, 2)) / h * 100;
                    count++;
                }
            }
        return (count > 0 ? sum / count : double.NaN, count);
    }

    private static IEnumerable<(PoseLive.Media.VideoFrame Frame, long Index)> FootageCropsFrames(FootageClip clip) => FootageCrops.Frames(clip.Files, clip.Video);

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
