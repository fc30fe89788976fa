using System.CommandLine;
using PoseLive.Models;

namespace PoseLive.Cli.Commands;

/// <summary>`--animal NAME` of pose, annotate and run: pose that animal with the installed model made for it (unless --model names one).</summary>
internal static class AnimalOption
{
    public static Option<string?> Create() => new("--animal")
    {
        Description = "Pose this animal (e.g. horse) with the installed model made for it by `poselive finetune` (--model overrides); the detector then finds that class.",
    };

    /// <summary>The pose model: --model when given on the command line, else the animal's model, else --model's default.</summary>
    public static (ModelCard Card, string OnnxPath) PoseModel(ParseResult parse, Option<string> model, Option<string?> animal, string directory)
    {
        bool explicitModel = parse.GetResult(model) is { Implicit: false };
        if (parse.GetValue(animal) is string name && !explicitModel)
        {
            if (string.IsNullOrWhiteSpace(name)) throw new UsageException("--animal needs an animal name, e.g. horse");
            return ModelZoo.ForAnimal(directory, name.Trim());
        }
        var found = ModelZoo.Find(directory, parse.GetRequiredValue(model), "pose");
        if (parse.GetValue(animal) is string wanted && !found.Card.PosedClasses().Contains(wanted, StringComparer.OrdinalIgnoreCase))
            throw new UsageException($"--model {found.Card.Name} poses {string.Join(", ", found.Card.PosedClasses())}, not {wanted}");
        return found;
    }
}
