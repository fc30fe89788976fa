using System.CommandLine;
using System.Globalization;
using PoseLive.Coco;
using PoseLive.IO;

namespace PoseLive.Cli.Commands;

/// <summary>`poselive eval --gt GT --dt RESULTS`: the COCO keypoint table (pycocotools semantics), optionally PCK.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var gt = new Option<string>("--gt") { Description = "COCO keypoint ground-truth JSON.", Required = true };
        var dt = new Option<string>("--dt") { Description = "COCO keypoint results JSON (array of {image_id, category_id, keypoints, score}).", Required = true };
        var json = new Option<string?>("--json") { Description = "Also write the statistics as JSON to this file." };
        var pck = new Option<double?>("--pck") { Description = "Also report PCK at this α (e.g. 0.05)." };
        var pckNorm = new Option<string>("--pck-norm")
        {
            Description = "PCK normalisation: bbox (larger GT box side), fixed:PIXELS, or pair:A,B (distance between keypoints A and B).",
            DefaultValueFactory = _ => "bbox",
        };
        var command = new Command("eval", "Evaluate keypoint results against COCO ground truth: AP, AP50, AP75, APm, APl, AR, AR50, AR75, ARm, ARl.")
        {
            gt, dt, json, pck, pckNorm,
        };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var dataset = CocoReader.ReadGroundTruth(parse.GetRequiredValue(gt));
            var results = CocoReader.ReadResults(parse.GetRequiredValue(dt), dataset);
            var stats = new CocoKeypointEvaluator(dataset).Evaluate(results);
            output.WriteLine($"{results.Count} results on {dataset.Images.Count} images, {dataset.Annotations.Count} ground-truth instances");
            output.Write(stats.ToTable());
            if (parse.GetValue(pck) is double alpha)
            {
                var (norm, fixedLength, pair) = ParseNorm(parse.GetValue(pckNorm)!);
                var r = PckEvaluator.Evaluate(dataset, results, alpha, norm, fixedLength, pair);
                output.WriteLine(string.Format(CultureInfo.InvariantCulture, " PCK@{0} ({1}): accuracy over all labelled keypoints = {2:0.0000}, mean of per-keypoint PCK = {3:0.0000}",
                    alpha, parse.GetValue(pckNorm), r.Accuracy, r.MeanPerKeypoint));
            }
            if (parse.GetValue(json) is string path)
                AtomicFile.WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(stats.ToJson()));
            return PoseLiveCli.ExitOk;
        });
        return command;
    }

    private static (PckNormalization, double, (int, int)?) ParseNorm(string text)
    {
        if (text == "bbox") return (PckNormalization.BoxSize, 0, null);
        if (text.StartsWith("fixed:", StringComparison.Ordinal) && double.TryParse(text[6..], CultureInfo.InvariantCulture, out var len))
            return (PckNormalization.Fixed, len, null);
        var parts = text.StartsWith("pair:", StringComparison.Ordinal) ? text[5..].Split(',') : [];
        if (parts.Length == 2 && int.TryParse(parts[0], out var a) && int.TryParse(parts[1], out var b))
            return (PckNormalization.KeypointDistance, 0, (a, b));
        throw new ArgumentException($"--pck-norm '{text}' is not bbox, fixed:PIXELS or pair:A,B.");
    }
}
