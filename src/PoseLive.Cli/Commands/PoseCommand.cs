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
        var image = new Argument<string[]>("images") { Description = "Image files (any format FFmpeg reads: jpg, png, …); a folder stands for the images in it, a quoted glob (\"shots/*.jpg\") for the files it matches.", Arity = ArgumentArity.OneOrMore };
        var outJson = new Option<string?>("--out") { Description = "Write COCO keypoint results JSON here (several images: one file, image_id = the image's place in the list, from 1)." }.WritableFile();
        var render = new Option<string?>("--render") { Description = "Write the image with boxes and skeletons drawn as PNG here (several images: a folder, NAME.png each)." };
        var model = new Option<string>("--model") { Description = $"Pose model (installed: {InstalledModels.Names("pose")}). The default is the accurate one; annotate and run default to the fast movenet-lightning.", DefaultValueFactory = _ => "movenet-thunder" };
        var animal = AnimalOption.Create();
        var detector = new Option<string>("--detector") { Description = "Person detector model.", DefaultValueFactory = _ => "centernet" };
        var threshold = new Option<float>("--det-threshold") { Description = "Minimum detector score.", DefaultValueFactory = _ => 0.3f }.Between(0, 1);
        var kptThreshold = new Option<float>("--kpt-threshold") { Description = "Draw and count keypoints at least this confident.", DefaultValueFactory = _ => 0.3f }.Between(0, 1);
        var dir = new Option<string?>("--models") { Description = "Models folder." };
        var device = DeviceOption.Create();
        var command = new Command("pose", "Detect people on images and estimate their keypoints; write COCO results JSON and overlay PNGs.")
        {
            image, outJson, render, model, animal, detector, threshold, kptThreshold, dir, device,
        };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var paths = InputFiles.Expand(parse.GetRequiredValue(image), images: true);
            if (parse.GetValue(render) is string r && (paths.Count > 1 ? OutputPaths.WhyNotWritableDirectory(r) : OutputPaths.WhyNotWritableFile(r)) is string why)
                throw new UsageException($"--render: {why}");
            var inference = DeviceOption.Apply(parse, device, InferenceOptions.Default, error);
            var directory = parse.GetValue(dir) ?? ModelZoo.DefaultDirectory();
            var (detCard, detPath) = ModelZoo.Find(directory, parse.GetRequiredValue(detector), "detector");
            var (poseCard, posePath) = AnimalOption.PoseModel(parse, model, animal, directory);
            using var det = new CenterNetDetector(detCard, detPath, inference, scoreThreshold: parse.GetValue(threshold), classes: poseCard.DetectorClassIds(detCard));
            using var estimator = PoseEstimators.Create(poseCard, posePath, inference);
            float minScore = parse.GetValue(kptThreshold);
            string subject = poseCard.PosedClasses()[0], subjects = subject == "person" ? "people" : subject + "s";
            var results = new List<CocoResult>();
            int failed = 0;
            for (int n = 0; n < paths.Count; n++)
            {
                var path = paths[n];
                try
                {
                    using var source = VideoSource.Open(path);
                    using var frame = source.ReadFrame() ?? throw new MediaException(path, "contains no image");
                    var persons = det.Detect(frame.Plane(0), frame.Width, frame.Height, frame.Stride);
                    var people = PoseDeduplication.Apply(estimator.Estimate(frame.Plane(0), frame.Width, frame.Height, frame.Stride, persons), estimator.Schema.Sigmas);
                    output.WriteLine($"{path}: {frame.Width}x{frame.Height}, {Messages.Count(people.Count, subject, subjects)} ({detCard.Name} + {poseCard.Name} on {DeviceOption.Describe(estimator.Provider, inference.CudaDeviceId)}){(paths.Count > 1 ? $", image_id {n + 1}" : "")}");
                    var inv = CultureInfo.InvariantCulture;
                    for (int i = 0; i < people.Count; i++)
                    {
                        var p = people[i];
                        int confident = p.Keypoints.Count(k => !k.IsMissing && k.Score >= minScore);
                        output.WriteLine(string.Format(inv, "  {9} {0}: box ({1:0},{2:0},{3:0}x{4:0}) detector {5:0.00}, pose score {6:0.00}, {7}/{8} keypoints ≥ {10:0.##}",
                            i, Messages.Display(p.Box.X), Messages.Display(p.Box.Y), p.Box.Width, p.Box.Height, p.BoxScore, p.Score, confident, p.Keypoints.Length, subject, minScore));
                    }
                    results.AddRange(people.Select(p => new CocoResult(n + 1, 1, Triplets(p.Keypoints), p.Score) { Box = p.Box }));
                    if (parse.GetValue(render) is string png)
                    {
                        if (paths.Count > 1)
                        {
                            Directory.CreateDirectory(png);
                            png = Path.Combine(png, Path.GetFileNameWithoutExtension(path) + ".png");
                        }
                        var pixels = frame.Plane(0).ToArray();
                        new CpuOverlay(estimator.Schema) { MinScore = minScore }.Draw(pixels, frame.Width, frame.Height, frame.Stride, people);
                        PngImage.Write(png, pixels, frame.Stride, frame.Width, frame.Height, PixelFormat.Rgb24);
                        output.WriteLine($"  overlay: {png}");
                    }
                }
                catch (MediaException e) when (paths.Count > 1)
                {
                    failed++;
                    error.WriteLine($"poselive: error: {Messages.About(path, e.Message)}");
                }
            }
            if (parse.GetValue(outJson) is string json)
            {
                CocoWriter.WriteResults(json, results);
                output.WriteLine($"results: {json}");
            }
            return failed > 0 ? PoseLiveCli.ExitFailure : PoseLiveCli.ExitOk;
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
