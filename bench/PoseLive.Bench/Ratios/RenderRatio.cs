using System.Diagnostics;
using System.Globalization;
using PoseLive.Detection;
using PoseLive.Estimation;
using PoseLive.Inference;
using PoseLive.Media;
using PoseLive.Models;
using PoseLive.Rendering;

namespace PoseLive.Bench.Ratios;

/// <summary>Per frame of vtest.avi (768×576): decode, inference (detector every 5 + MoveNet Lightning), and GL render + async readback, each timed alone.</summary>
internal static class RenderRatio
{
    public static int Run(string vtest, int frames)
    {
        var dir = ModelZoo.DefaultDirectory();
        var (detCard, detPath) = ModelZoo.Find(dir, "centernet");
        var (poseCard, posePath) = ModelZoo.Find(dir, "movenet-lightning");
        using var detector = new CenterNetDetector(detCard, detPath, new InferenceOptions());
        using var estimator = PoseEstimators.Create(poseCard, posePath, new InferenceOptions());
        using var source = VideoSource.Open(vtest);
        using var renderer = new OffscreenRenderer(source.Video.Width, source.Video.Height, estimator.Schema);
        double decode = 0, inference = 0, render = 0;
        long delivered = 0;
        IReadOnlyList<DetectedBox> boxes = [];
        for (int i = 0; i < frames + 10; i++)
        {
            var clock = Stopwatch.StartNew();
            using var frame = source.ReadFrame()!;
            double d = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            if (i % 5 == 0) boxes = detector.Detect(frame.Plane(0), frame.Width, frame.Height, frame.Stride);
            var people = estimator.Estimate(frame.Plane(0), frame.Width, frame.Height, frame.Stride, boxes);
            double inf = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            var scene = new RenderScene(people.Select((p, k) => new RenderPerson(k, p.Keypoints, p.Box, p.Score)).ToList());
            renderer.Render(frame, scene, i, (px, tag) => delivered++);
            double r = clock.Elapsed.TotalMilliseconds;
            if (i < 10) continue; // warm-up
            decode += d; inference += inf; render += r;
        }
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture,
            "per frame over {0} frames at {1}x{2} ({3}): decode {4:F2} ms, inference {5:F2} ms, GL render + readback {6:F2} ms; render / (decode + inference) = {7:F3}",
            frames, source.Video.Width, source.Video.Height, renderer.Renderer, decode / frames, inference / frames, render / frames, render / (decode + inference)));
        return 0;
    }
}
