using System.CommandLine;
using PoseLive.Training.Runs;

namespace PoseLive.Cli.Commands;

/// <summary>`poselive export RUN --name NAME`: a run's best checkpoint as a served model (models/NAME.onnx + card).</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var run = new Argument<string>("RUN") { Description = "Run folder written by `poselive train` (config.json, best.pth or last.pth)." };
        var name = new Option<string>("--name") { Description = "Model name (models/NAME.onnx, NAME.card.json; `--model NAME` serves it).", Required = true };
        var models = new Option<string?>("--models") { Description = "Models folder (default: the project's models/)." };
        var verify = new Option<bool>("--verify") { Description = "Score the served model through ONNX Runtime on the run's validation data next to the checkpoint (libtorch)." };
        var command = new Command("export", "Export a training run's best checkpoint to ONNX with a model card, for `annotate`, `pose` and `run --model NAME`.") { run, name, models, verify };
        command.SetAction((parse, _) =>
        {
            var card = RunExporter.Export(parse.GetRequiredValue(run), parse.GetRequiredValue(name), parse.GetValue(models) ?? PoseLive.Models.ModelZoo.DefaultDirectory());
            parse.InvocationConfiguration.Output.WriteLine($"{card.Name}: {card.Description}");
            var output = parse.InvocationConfiguration.Output;
            output.WriteLine($"  serve it with --model {card.Name}");
            if (parse.GetValue(verify))
            {
                var directory = parse.GetValue(models) ?? PoseLive.Models.ModelZoo.DefaultDirectory();
                var c = ServedModelCheck.Run(parse.GetRequiredValue(run), Path.Combine(directory, card.File));
                var inv = System.Globalization.CultureInfo.InvariantCulture;
                output.WriteLine(string.Format(inv, "  validation ({0} instances): checkpoint (libtorch) AP {1:F4}, PCK@0.05 {2:F4}; served (ONNX Runtime) AP {3:F4}, PCK@0.05 {4:F4}; max heatmap difference {5:E2} (largest heatmap value {6:F3})",
                    c.Instances, c.Checkpoint.Coco.AP, c.Checkpoint.Pck05.Accuracy, c.Served.Coco.AP, c.Served.Pck05.Accuracy, c.MaxHeatmapDifference, c.MaxHeatmapValue));
                // per keypoint, as served, with a bar chart beside the run's others
                var names = PoseLive.Pose.KeypointSchema.ByName(card.KeypointSchema ?? "coco17").Keypoints;
                output.WriteLine(string.Format(inv, "  served PCK@0.1 {0:F4}; per keypoint (PCK@0.05 / PCK@0.1): {1}", c.Served.Pck10.Accuracy,
                    string.Join(", ", names.Select((n, j) => string.Format(inv, "{0} {1:F3}/{2:F3}", n, c.Served.Pck05.PerKeypoint[j], c.Served.Pck10.PerKeypoint[j])))));
                var plot = Path.Combine(parse.GetRequiredValue(run), "served_pck10_per_keypoint.png");
                PoseLive.Training.Records.TrainingPlots.Bars(plot, $"{card.Name} as served: PCK@0.1 per keypoint ({c.Instances} validation instances)", names.ToArray(),
                    c.Served.Pck10.PerKeypoint.Select(v => double.IsNaN(v) ? 0 : v).ToArray(), "PCK@0.1");
                output.WriteLine($"  plot: {plot}");
            }
            return Task.FromResult(PoseLiveCli.ExitOk);
        });
        return command;
    }
}
