using System.Globalization;
using System.Text.RegularExpressions;
using PoseLive.Coco;
using PoseLive.IO;

namespace PoseLive.Export;

/// <summary>What <see cref="ShardMerger.Merge"/> wrote.</summary>
public sealed record ShardMergeResult(string Dataset, string? Results, string? Journal, int Images, int Annotations, int Shards)
{
    /// <summary>Frame ranges no shard covered (only with allowGaps), e.g. "40-396".</summary>
    public IReadOnlyList<string> Gaps { get; init; } = [];
}

/// <summary>
/// Joins the outputs of `poselive annotate --shard k/N` runs of one video (NAME.shard-k-of-N.coco.json, with
/// .results.json and .jsonl beside them) into NAME.coco.json, NAME.results.json and NAME.jsonl, as one unsharded run
/// would have written them: images by frame, annotation ids renumbered, track ids kept (shards use disjoint ranges).
/// Every shard 0..N−1 must be present, written with the same keypoint categories, and frames must not overlap; every
/// shard must cover its whole frame range (read from its journal's settings line) — a shard cut short by --max-frames or
/// interrupted is refused, unless gaps are allowed, when they are listed in the merged files. Outputs are written
/// atomically; nothing is written when a check fails.
/// </summary>
public static partial class ShardMerger
{
    [GeneratedRegex(@"^(?<base>.+)\.shard-(?<k>\d+)-of-(?<n>\d+)\.coco\.json$")]
    private static partial Regex ShardName();

    public static ShardMergeResult Merge(IReadOnlyList<string> shardDatasets, string? outputDirectory = null, bool allowGaps = false)
    {
        if (shardDatasets.Count == 0) throw new ArgumentException("no shard files given", nameof(shardDatasets));
        var shards = shardDatasets.Select(Parse).OrderBy(s => s.Index).ToList();
        var (baseName, count) = (shards[0].Base, shards[0].Count);
        foreach (var s in shards)
            if (s.Base != baseName || s.Count != count)
                throw new CocoFormatException($"{s.Path}: shard of '{s.Base}' in {s.Count} parts, but {shards[0].Path} is of '{baseName}' in {count}");
        var duplicate = shards.GroupBy(s => s.Index).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new CocoFormatException($"shard {duplicate.Key} of '{baseName}' is given twice: {string.Join(", ", duplicate.Select(s => s.Path))}");
        var missing = Enumerable.Range(0, count).Except(shards.Select(s => s.Index)).ToList();
        if (missing.Count > 0)
            throw new CocoFormatException($"'{baseName}' was split in {count} shards; missing shard{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)}");

        var datasets = shards.Select(s => (Shard: s, Data: CocoReader.ReadGroundTruth(s.Path))).ToList();
        var categories = datasets[0].Data.Categories;
        var frameOwner = new Dictionary<long, string>();
        foreach (var (shard, data) in datasets)
        {
            if (!SameCategories(categories, data.Categories))
                throw new CocoFormatException($"{shard.Path}: its categories (keypoints) differ from {datasets[0].Shard.Path}'s; shards must come from one model");
            foreach (var image in data.Images)
                if (!frameOwner.TryAdd(image.Id, shard.Path))
                    throw new CocoFormatException($"{shard.Path}: image {image.Id} ({image.FileName}) is also in {frameOwner[image.Id]}; shards must not overlap");
        }

        var images = datasets.SelectMany(d => d.Data.Images).OrderBy(i => i.Id).ToList();
        long nextId = 1;
        var annotations = datasets.SelectMany(d => d.Data.Annotations).OrderBy(a => a.ImageId).ThenBy(a => a.Id)
            .Select(a => a with { Id = nextId++ }).ToList();
        var directory = outputDirectory ?? Path.GetDirectoryName(Path.GetFullPath(shards[0].Path))!;
        Directory.CreateDirectory(directory);
        var datasetPath = Path.Combine(directory, baseName + ".coco.json");

        // Results and journals are merged only when every shard has one (a partial set would silently lose frames).
        var resultFiles = shards.Select(s => s.Sibling(".results.json")).ToList();
        var journalFiles = shards.Select(s => s.Sibling(".jsonl")).ToList();
        string? resultsPath = null, journalPath = null;
        List<CocoResult>? results = null;
        if (AllOrNone(resultFiles, "results"))
        {
            results = resultFiles.SelectMany(f => CocoReader.ReadResults(f)).OrderBy(r => r.ImageId).ToList();
            resultsPath = Path.Combine(directory, baseName + ".results.json");
        }
        if (AllOrNone(journalFiles, "journal"))
        {
            foreach (var f in journalFiles) CheckJournal(f);
            journalPath = Path.Combine(directory, baseName + ".jsonl");
        }

        // every shard must have annotated its whole frame range
        var gaps = new List<string>();
        foreach (var (shard, data) in datasets)
        {
            var journal = shard.Sibling(".jsonl");
            var settings = File.Exists(journal) ? FrameJournal.ReadSettings(journal) : null;
            if (settings is null || !long.TryParse(settings.GetValueOrDefault("shard_first_frame"), CultureInfo.InvariantCulture, out long first) ||
                !long.TryParse(settings.GetValueOrDefault("shard_frames"), CultureInfo.InvariantCulture, out long frames))
            {
                if (allowGaps) continue;
                throw new CocoFormatException($"{shard.Path}: cannot check the shard is complete: {(File.Exists(journal) ? $"{journal} has no frame range (an older PoseLive wrote it)" : $"its journal {journal} is missing")}; merge with --allow-gaps to accept it as it is");
            }
            if (first < 0 || frames < 0 || frames > 100_000_000)
                throw new CocoFormatException($"{journal}: its settings give an impossible frame range ({first}, {frames} frames)");
            var present = data.Images.Select(i => i.FrameIndex ?? -1).ToHashSet();
            var uncovered = Ranges(Enumerable.Range(0, (int)frames).Select(i => first + i).Where(f => !present.Contains(f)));
            if (uncovered.Count == 0) continue;
            if (!allowGaps)
                throw new CocoFormatException($"{shard.Path}: shard {shard.Index} covers {frames - uncovered.Sum(r => r.To - r.From + 1)} of its {frames} frames (missing {string.Join(", ", uncovered.Select(Show))}); it was cut short (--max-frames) or interrupted: resume it, or merge with --allow-gaps");
            gaps.AddRange(uncovered.Select(Show));
        }

        var info = new Dictionary<string, string> { ["description"] = $"{baseName}: {count} shards merged by poselive", ["merged_from"] = string.Join(", ", shards.Select(s => Path.GetFileName(s.Path))) };
        if (allowGaps) info["gaps"] = gaps.Count == 0 ? "none" : string.Join(", ", gaps);
        CocoWriter.WriteGroundTruth(datasetPath, new CocoDataset(images, annotations, categories), info);
        if (results is not null) CocoWriter.WriteResults(resultsPath!, results);
        if (journalPath is not null) WriteJournal(journalPath, journalFiles, info);
        return new ShardMergeResult(datasetPath, resultsPath, journalPath, images.Count, annotations.Count, count) { Gaps = gaps };
    }

    private sealed record Shard(string Path, string Base, int Index, int Count)
    {
        public string Sibling(string extension) =>
            System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!, $"{Base}.shard-{Index}-of-{Count}{extension}");
    }

    private static Shard Parse(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Shard file '{path}' does not exist.", path);
        var m = ShardName().Match(Path.GetFileName(path));
        if (!m.Success) throw new CocoFormatException($"{path}: not a shard dataset (expected NAME.shard-K-of-N.coco.json, as annotate --shard writes)");
        int k = int.Parse(m.Groups["k"].Value, CultureInfo.InvariantCulture), n = int.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
        if (n < 1 || k >= n) throw new CocoFormatException($"{path}: shard {k} of {n} is not a valid shard");
        return new Shard(path, m.Groups["base"].Value, k, n);
    }

    private static bool SameCategories(IReadOnlyList<CocoCategory> a, IReadOnlyList<CocoCategory> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.Id == p.Second.Id && p.First.Name == p.Second.Name && p.First.Keypoints.SequenceEqual(p.Second.Keypoints));

    private static bool AllOrNone(IReadOnlyList<string> files, string what)
    {
        int present = files.Count(File.Exists);
        if (present == 0) return false;
        if (present < files.Count)
            throw new CocoFormatException($"only {present} of {files.Count} shards have a {what} file; missing {string.Join(", ", files.Where(f => !File.Exists(f)))}");
        return true;
    }

    /// <summary>Every line must be whole JSON: a shard killed mid-write leaves a torn last line (resume it first).</summary>
    private static void CheckJournal(string path)
    {
        int number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (line.Length == 0) continue;
            try { using var _ = System.Text.Json.JsonDocument.Parse(line); }
            catch (System.Text.Json.JsonException e)
            {
                throw new CocoFormatException($"{path}:{number}: not a whole JSON line ({e.Message.Split('.')[0]}); was the shard interrupted? Run it again with --resume, then merge");
            }
        }
    }

    private static List<(long From, long To)> Ranges(IEnumerable<long> frames)
    {
        var ranges = new List<(long From, long To)>();
        foreach (var f in frames)
        {
            if (ranges.Count > 0 && ranges[^1].To == f - 1) ranges[^1] = (ranges[^1].From, f);
            else ranges.Add((f, f));
        }
        return ranges;
    }

    private static string Show((long From, long To) r) => r.From == r.To ? r.From.ToString(CultureInfo.InvariantCulture) : $"{r.From}-{r.To}";

    /// <summary>
    /// Concatenates the shards' JSON Lines in shard order (each is in frame order), atomically, under one settings line:
    /// the first shard's, as one unsharded run over the whole video, with where it was merged from.
    /// </summary>
    private static void WriteJournal(string path, IReadOnlyList<string> journals, IReadOnlyDictionary<string, string> info)
    {
        var temporary = AtomicFile.TemporaryPathFor(path);
        try
        {
            var settings = FrameJournal.ReadSettings(journals[0]) is { } s ? new SortedDictionary<string, string>(s.ToDictionary(), StringComparer.Ordinal) : null;
            using (var output = new StreamWriter(temporary, append: false, new System.Text.UTF8Encoding(false)))
            {
                if (settings is not null)
                {
                    long frames = journals.Sum(j => long.TryParse(FrameJournal.ReadSettings(j)?.GetValueOrDefault("shard_frames"), CultureInfo.InvariantCulture, out var n) ? n : 0);
                    settings["shard"] = "0/1";
                    settings["shard_first_frame"] = "0";
                    settings["shard_frames"] = frames.ToString(CultureInfo.InvariantCulture);
                    foreach (var (k, v) in info) settings[k] = v;
                    output.WriteLine(SettingsLine(settings));
                }
                foreach (var journal in journals)
                {
                    bool first = true;
                    foreach (var line in File.ReadLines(journal))
                    {
                        bool header = first && line.StartsWith($"{{\"{FrameJournal.SettingsKey}\"", StringComparison.Ordinal);
                        first = false;
                        if (line.Length > 0 && !header) output.WriteLine(line);
                    }
                }
            }
            AtomicFile.Commit(temporary, path);
        }
        catch
        {
            AtomicFile.Abandon(temporary);
            throw;
        }
    }

    private static string SettingsLine(IReadOnlyDictionary<string, string> settings)
    {
        using var buffer = new MemoryStream();
        using (var w = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartObject(FrameJournal.SettingsKey);
            foreach (var (k, v) in settings) w.WriteString(k, v);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
