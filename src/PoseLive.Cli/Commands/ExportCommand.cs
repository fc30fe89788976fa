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
        var command = new Command("export", "Export a training run's best checkpoint to ONNX with a model card, for `annotate`, `pose` and `run --model NAME`.") { run, name, models };
        command.SetAction((parse, _) =>
        {
            var card = RunExporter.Export(parse.GetRequiredValue(run), parse.GetRequiredValue(name), parse.GetValue(models) ?? PoseLive.Models.ModelZoo.DefaultDirectory());
            parse.InvocationConfiguration.Output.WriteLine($"{card.Name}: {card.Description}");
            parse.InvocationConfiguration.Output.WriteLine($"  serve it with --model {card.Name}");
            return Task.FromResult(PoseLiveCli.ExitOk);
        });
        return command;
    }
}
