using System.CommandLine;
using System.Globalization;
using PoseLive.Detection;
using PoseLive.Models;
using PoseLive.Synthetic;

namespace PoseLive.Cli.Commands;

/// <summary>`poselive synth-check DIR`: does a detector trained on real photos find the synthetic animals?</summary>
internal static class SynthCheckCommand
{
    public static Command Create()
    {
        var data = new Argument<string>("dataset") { Description = "A synth output folder (or its annotations.json)." };
        var detector = new Option<string>("--detector") { Description = "Detector model (trained on real COCO photos).", DefaultValueFactory = _ => "centernet" };
        var threshold = new Option<float>("--det-threshold") { Description = "Minimum detector score.", DefaultValueFactory = _ => 0.3f }.Between(0, 1);
        var iou = new Option<float>("--iou") { Description = "IoU with the label box that counts as found.", DefaultValueFactory = _ => 0.5f }.Between(0, 1);
        var limit = new Option<int>("--limit") { Description = "Check at most this many images.", DefaultValueFactory = _ => int.MaxValue };
        var models = new Option<string?>("--models") { Description = "Models folder." };
        var device = DeviceOption.Create();
        var command = new Command("synth-check", "Run a detector trained on real photos over a synthetic dataset: the share of animals it finds as horses (IoU ≥ --iou), and what it took the rest for.")
        {
            data, detector, threshold, iou, limit, models, device,
        };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var path = parse.GetRequiredValue(data);
            var annotations = Directory.Exists(path) ? Path.Combine(path, SynthGenerator.AnnotationsName) : path;
            if (!File.Exists(annotations)) throw new UsageException($"{path}: no {SynthGenerator.AnnotationsName} there (give a `poselive synth` output folder)");
            var inference = DeviceOption.Apply(parse, device, Inference.InferenceOptions.Default, parse.InvocationConfiguration.Error);
            var (card, onnx) = ModelZoo.Find(parse.GetValue(models) ?? ModelZoo.DefaultDirectory(), parse.GetRequiredValue(detector), "detector");
            var names = card.Classes ?? throw new ModelCardException($"{card.Name}: the card lists no classes");
            using var det = new CenterNetDetector(card, onnx, inference, parse.GetValue(threshold), Enumerable.Range(0, names.Length).ToHashSet());
            var report = DetectorRealismCheck.Run(annotations, det, names, "horse", parse.GetValue(iou), parse.GetValue(limit));
            var inv = CultureInfo.InvariantCulture;
            output.WriteLine(string.Format(inv, "{0}: {1} of {2} animals found as horse by {3} (IoU ≥ {4:0.##}, score ≥ {5:0.##}): {6:P1}, mean IoU {7:F3} ({8:F0} s)",
                annotations, report.Found, report.Images, card.Name, parse.GetValue(iou), parse.GetValue(threshold), report.Share, report.MeanIoU, report.Seconds));
            if (report.OtherClasses.Count > 0)
                output.WriteLine("  missed animals it saw as: " + string.Join(", ", report.OtherClasses.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value}")));
            return PoseLiveCli.ExitOk;
        });
        return command;
    }
}
