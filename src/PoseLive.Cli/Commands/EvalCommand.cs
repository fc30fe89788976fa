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
        var json = new Option<string?>("--json") { Description = "Also write the statistics as JSON to this file." }.WritableFile();
        var pck = new Option<double?>("--pck") { Description = "Also report PCK at this α (e.g. 0.05)." }.PositiveAtMost(1);
        var pckNorm = new Option<string>("--pck-norm")
        {
            Description = "PCK normalisation: bbox (larger GT box side), fixed:PIXELS, or pair:A,B (distance between keypoints A and B).",
            DefaultValueFactory = _ => "bbox",
        };
        var command = new Command("eval", "Evaluate keypoint results against COCO ground truth: AP, AP50, AP75, APm, APl, AR, AR50, AR75, ARm, ARl.")
        {
            gt, dt, json, pck, pckNorm,
        };
        pckNorm.Validators.Add(r => { if (TryParseNorm(OptionChecks.Get<string>(r) ?? "", out _) is string why) r.AddError($"--pck-norm: {why}"); });
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var dataset = CocoReader.ReadGroundTruth(parse.GetRequiredValue(gt));
            TryParseNorm(parse.GetValue(pckNorm)!, out var normalisation);
            if (parse.GetValue(pck) is not null && normalisation.Pair is (int a, int b))
            {
                int keypoints = dataset.Categories.Where(c => c.Keypoints.Length > 0).Select(c => c.Keypoints.Length).DefaultIfEmpty(0).Min();
                foreach (var k in new[] { a, b })
                    if (k >= keypoints)
                        throw new UsageException($"--pck-norm: pair:{a},{b}: keypoint {k} does not exist in {parse.GetRequiredValue(gt)} (it has {keypoints} keypoints, 0 to {keypoints - 1})");
            }
            var results = CocoReader.ReadResults(parse.GetRequiredValue(dt), dataset);
            var stats = new CocoKeypointEvaluator(dataset).Evaluate(results);
            output.WriteLine($"{results.Count} results on {dataset.Images.Count} images, {dataset.Annotations.Count} ground-truth instances");
            output.Write(stats.ToTable());
            if (parse.GetValue(pck) is double alpha)
            {
                var (norm, fixedLength, pair) = normalisation;
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

    /// <summary>Null and the normalisation, or why <paramref name="text"/> is not one.</summary>
    private static string? TryParseNorm(string text, out (PckNormalization Norm, double Fixed, (int, int)? Pair) result)
    {
        result = (PckNormalization.BoxSize, 0, null);
        if (text == "bbox") return null;
        if (text.StartsWith("fixed:", StringComparison.Ordinal))
        {
            if (double.TryParse(text[6..], NumberStyles.Float, CultureInfo.InvariantCulture, out var len) && len > 0 && double.IsFinite(len))
            {
                result = (PckNormalization.Fixed, len, null);
                return null;
            }
            return $"'{text}': the fixed length must be a positive number of pixels";
        }
        var parts = text.StartsWith("pair:", StringComparison.Ordinal) ? text[5..].Split(',') : [];
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var a) &&
            int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var b))
        {
            if (a == b) return $"'{text}': the two keypoints must differ";
            result = (PckNormalization.KeypointDistance, 0, (a, b));
            return null;
        }
        return $"'{text}' is not bbox, fixed:PIXELS or pair:A,B";
    }
}
