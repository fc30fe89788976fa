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
        var allowGaps = new Option<bool>("--allow-gaps") { Description = "Merge shards that did not cover their whole frame range (cut short or interrupted); the gaps are listed in the merged files' info." };
        var command = new Command("merge", "Merge the outputs of `annotate --shard k/N` runs of one video into the files one unsharded run writes.")
        {
            shards, output, allowGaps,
        };
        command.SetAction(parse =>
        {
            var r = ShardMerger.Merge(parse.GetRequiredValue(shards), parse.GetValue(output), parse.GetValue(allowGaps));
            var o = parse.InvocationConfiguration.Output;
            o.WriteLine($"merged {r.Shards} shards: {r.Images} images, {r.Annotations} annotations{(r.Gaps.Count > 0 ? $"; frames not covered: {string.Join(", ", r.Gaps)}" : "")}");
            o.WriteLine($"dataset: {r.Dataset}");
            if (r.Results is not null) o.WriteLine($"results: {r.Results}");
            if (r.Journal is not null) o.WriteLine($"journal: {r.Journal}");
            return PoseLiveCli.ExitOk;
        });
        return command;
    }
}
