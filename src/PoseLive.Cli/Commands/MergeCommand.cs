using System.CommandLine;
using PoseLive.Export;

namespace PoseLive.Cli.Commands;

/// <summary>`poselive merge SHARD.coco.json...`: joins `annotate --shard k/N` outputs into one video's outputs.</summary>
internal static class MergeCommand
{
    public static Command Create()
    {
        var shards = new Argument<string[]>("shards") { Description = "Every NAME.shard-K-of-N.coco.json of one video (its .results.json and .jsonl are found beside it).", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string?>("--out", "-o") { Description = "Folder for NAME.coco.json, NAME.results.json and NAME.jsonl (default: the shards' folder)." };
        var command = new Command("merge", "Merge the outputs of `annotate --shard k/N` runs of one video into the files one unsharded run writes.")
        {
            shards, output,
        };
        command.SetAction(parse =>
        {
            var r = ShardMerger.Merge(parse.GetRequiredValue(shards), parse.GetValue(output));
            var o = parse.InvocationConfiguration.Output;
            o.WriteLine($"merged {r.Shards} shards: {r.Images} images, {r.Annotations} annotations");
            o.WriteLine($"dataset: {r.Dataset}");
            if (r.Results is not null) o.WriteLine($"results: {r.Results}");
            if (r.Journal is not null) o.WriteLine($"journal: {r.Journal}");
            return PoseLiveCli.ExitOk;
        });
        return command;
    }
}
