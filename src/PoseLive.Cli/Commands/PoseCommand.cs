using System.CommandLine;
using System.Globalization;
using PoseLive.Coco;
using PoseLive.Detection;
using PoseLive.Estimation;
using PoseLive.Inference;
using PoseLive.Media;
using PoseLive.Models;
using PoseLive.Pose;
using PoseLive.Rendering;

namespace PoseLive.Cli.Commands;

/// <summary>`poselive pose IMAGE`: detect people on a still, estimate their keypoints, write COCO results and an overlay.</summary>
internal static class PoseCommand
{
    public static Command Create()
    {
        var image = new Argument<string>("image") { Description = "Image file (any format FFmpeg reads: jpg, png, …)." };
        var outJson = new Option<string?>("--out") { Description = "Write COCO keypoint results JSON here." }.WritableFile();
        var render = new Option<string?>("--render") { Description = "Write the image with boxes and skeletons drawn as PNG here." }.WritableFile();
        var model = new Option<string>("--model") { Description = "Pose model.", DefaultValueFactory = _ => "movenet-thunder" };
        var detector = new Option<string>("--detector") { Description = "Person detector model.", DefaultValueFactory = _ => "centernet" };
        var threshold = new Option<float>("--det-threshold") { Description = "Minimum detector score.", DefaultValueFactory = _ => 0.3f }.Between(0, 1);
        var dir = new Option<string?>("--models") { Description = "Models folder." };
        var device = DeviceOption.Create();
        var command = new Command("pose", "Detect people on an image and estimate their keypoints; write COCO results JSON and an overlay PNG.")
        {
            image, outJson, render, model, detector, threshold, dir, device,
        };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var inference = DeviceOption.Apply(parse, device, InferenceOptions.Default, parse.InvocationConfiguration.Error);
            var path = parse.GetRequiredValue(image);
            var directory = parse.GetValue(dir) ?? ModelZoo.DefaultDirectory();
            using var source = VideoSource.Open(path);
            using var frame = source.ReadFrame() ?? throw new MediaException(path, "contains no image");
            var (detCard, detPath) = ModelZoo.Find(directory, parse.GetRequiredValue(detector), "detector");
            var (poseCard, posePath) = ModelZoo.Find(directory, parse.GetRequiredValue(model), "pose");
            using var det = new CenterNetDetector(detCard, detPath, inference, scoreThreshold: parse.GetValue(threshold));
            using var estimator = PoseEstimators.Create(poseCard, posePath, inference);
            var persons = det.Detect(frame.Plane(0), frame.Width, frame.Height, frame.Stride);
            var people = PoseDeduplication.Apply(estimator.Estimate(frame.Plane(0), frame.Width, frame.Height, frame.Stride, persons), estimator.Schema.Sigmas);
            output.WriteLine($"{path}: {frame.Width}x{frame.Height}, {people.Count} {(people.Count == 1 ? "person" : "people")} ({detCard.Name} + {poseCard.Name} on {DeviceOption.Describe(estimator.Provider, inference.CudaDeviceId)})");
            var inv = CultureInfo.InvariantCulture;
            for (int i = 0; i < people.Count; i++)
            {
                var p = people[i];
                int confident = p.Keypoints.Count(k => !k.IsMissing && k.Score >= 0.3f);
                output.WriteLine(string.Format(inv, "  person {0}: box ({1:0},{2:0},{3:0}x{4:0}) detector {5:0.00}, pose score {6:0.00}, {7}/{8} keypoints ≥ 0.3",
                    i, Messages.Display(p.Box.X), Messages.Display(p.Box.Y), p.Box.Width, p.Box.Height, p.BoxScore, p.Score, confident, p.Keypoints.Length));
            }
            if (parse.GetValue(outJson) is string json)
            {
                CocoWriter.WriteResults(json, people.Select(p => new CocoResult(1, 1, Triplets(p.Keypoints), p.Score) { Box = p.Box }));
                output.WriteLine($"results: {json}");
            }
            if (parse.GetValue(render) is string png)
            {
                var pixels = frame.Plane(0).ToArray();
                new CpuOverlay(estimator.Schema).Draw(pixels, frame.Width, frame.Height, frame.Stride, people);
                PngImage.Write(png, pixels, frame.Stride, frame.Width, frame.Height, PixelFormat.Rgb24);
                output.WriteLine($"overlay: {png}");
            }
            return PoseLiveCli.ExitOk;
        });
        return command;
    }

    /// <summary>Keypoints as COCO (x, y, score) triplets; a missing keypoint is written at (0, 0) with score 0.</summary>
    internal static float[] Triplets(Keypoint[] keypoints)
    {
        var t = new float[keypoints.Length * 3];
        for (int i = 0; i < keypoints.Length; i++)
        {
            var k = keypoints[i];
            (t[3 * i], t[3 * i + 1], t[3 * i + 2]) = k.IsMissing ? (0f, 0f, 0f) : (k.X, k.Y, k.Score);
        }
        return t;
    }
}
