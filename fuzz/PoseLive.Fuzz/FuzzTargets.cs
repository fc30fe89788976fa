using PoseLive.Coco;
using PoseLive.Export;
using PoseLive.Inference;
using PoseLive.Models;
using PoseLive.Models.TfJs;
using PoseLive.Training.Checkpoints;

namespace PoseLive.Fuzz;

/// <summary>
/// One parser of untrusted input, fed one fuzz input. The parser may reject the input only with its documented
/// exception (which names the file); any other exception, a crash or a hang is a finding.
/// </summary>
public sealed record FuzzTarget(string Name, string Description, Action<byte[], string> Run, Type[] Documented);

/// <summary>The harnesses: COCO datasets and results, TF.js models, .pth checkpoints, model cards, journals (annotate's and synth's), shard merge, ONNX load.</summary>
public static class FuzzTargets
{
    /// <summary>Multi-file inputs are split on this line.</summary>
    public const string Separator = "\n--8<--\n";

    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new("coco-gt", "CocoReader.ReadGroundTruth", (data, dir) => CocoReader.ReadGroundTruth(Write(dir, "gt.json", data)),
            [typeof(CocoFormatException)]),
        new("coco-results", "CocoReader.ReadResults against a fixed ground truth", (data, dir) =>
        {
            var gt = CocoReader.ReadGroundTruth(new MemoryStream(FuzzSeeds.GroundTruth()), "gt.json");
            CocoReader.ReadResults(Write(dir, "results.json", data), gt);
            CocoReader.ReadResults(Write(dir, "results.json", data));
        }, [typeof(CocoFormatException)]),
        new("tfjs", "TfJsModelReader.Read: model.json, then its weight shard group1-shard1of1.bin", (data, dir) =>
        {
            var parts = Split(data, 2);
            File.WriteAllBytes(Path.Combine(dir, "group1-shard1of1.bin"), parts[1]);
            TfJsModelReader.Read(Write(dir, "model.json", parts[0]));
        }, [typeof(TfJsFormatException)]),
        new("pth", "PthReader.Read and ReadTree (zip archive, restricted unpickler, storages)", (data, dir) =>
        {
            var path = Write(dir, "model.pth", data);
            PthReader.ReadTree(path);
            PthReader.Read(path);
        }, [typeof(CheckpointFormatException)]),
        new("modelcard", "ModelCard.Load", (data, dir) => ModelCard.Load(Write(dir, "m.card.json", data)), [typeof(ModelCardException)]),
        new("journal", "FrameJournal.Read and ReadSettings (the resume input)", (data, dir) =>
        {
            var path = Write(dir, "v.jsonl", data);
            FrameJournal.ReadSettings(path);
            FrameJournal.Read(path);
        }, [typeof(InvalidDataException)]),
        new("synth-journal", "SynthRecord.Parse per line (synth's resume input), then the COCO dataset the records make, written and read back", (data, dir) =>
        {
            var records = System.Text.Encoding.UTF8.GetString(data).Split('\n').Select(PoseLive.Synthetic.SynthRecord.Parse).OfType<PoseLive.Synthetic.SynthRecord>().ToList();
            var path = Path.Combine(dir, "annotations.json");
            CocoWriter.WriteGroundTruth(path, PoseLive.Synthetic.SynthGenerator.Dataset(records));
            CocoReader.ReadGroundTruth(path);
        }, []),
        new("merge", "ShardMerger.Merge: shard 0 dataset, its journal, shard 1 dataset, its journal", (data, dir) =>
        {
            var parts = Split(data, 4);
            foreach (var f in Directory.GetFiles(dir)) File.Delete(f);
            var s0 = Write(dir, "v.shard-0-of-2.coco.json", parts[0]);
            Write(dir, "v.shard-0-of-2.jsonl", parts[1]);
            var s1 = Write(dir, "v.shard-1-of-2.coco.json", parts[2]);
            Write(dir, "v.shard-1-of-2.jsonl", parts[3]);
            ShardMerger.Merge([s0, s1], Path.Combine(dir, "merged"), allowGaps: parts[0].Length % 2 == 0);
        }, [typeof(CocoFormatException)]),
        new("onnx", "InferenceSession.FromBytes (ONNX Runtime's model load path)", (data, _) =>
        {
            using var s = InferenceSession.FromBytes(data, new InferenceOptions { IntraOpThreads = 1, GraphOptimization = GraphOptimization.Basic }, "fuzz.onnx");
        }, [typeof(OnnxRuntimeException), typeof(InvalidDataException)]),
    ];

    public static FuzzTarget Get(string name) =>
        All.FirstOrDefault(t => t.Name == name) ?? throw new ArgumentException($"no fuzz target '{name}' (targets: {string.Join(", ", All.Select(t => t.Name))})");

    /// <summary>Runs one input; returns null when the parser accepted it or rejected it as documented, else the finding.</summary>
    public static Exception? Check(FuzzTarget target, byte[] data, string dir) => Classify(target, data, dir).Finding;

    /// <summary>Runs one input: a finding (an undocumented exception), or the documented rejection, or neither (accepted).</summary>
    public static (Exception? Finding, Exception? Rejection) Classify(FuzzTarget target, byte[] data, string dir)
    {
        try
        {
            target.Run(data, dir);
            return (null, null);
        }
        catch (Exception e) when (target.Documented.Any(t => t.IsInstanceOfType(e)))
        {
            return (null, e);
        }
        catch (Exception e)
        {
            return (e, null);
        }
    }

    private static string Write(string dir, string name, byte[] data)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllBytes(path, data);
        return path;
    }

    /// <summary>The input cut at <see cref="Separator"/> into exactly <paramref name="count"/> parts (missing ones empty).</summary>
    public static byte[][] Split(byte[] data, int count)
    {
        var sep = System.Text.Encoding.ASCII.GetBytes(Separator);
        var parts = new List<byte[]>();
        int start = 0;
        while (parts.Count < count - 1)
        {
            int at = data.AsSpan(start).IndexOf(sep);
            if (at < 0) break;
            parts.Add(data[start..(start + at)]);
            start += at + sep.Length;
        }
        parts.Add(data[start..]);
        while (parts.Count < count) parts.Add([]);
        return [.. parts];
    }

    /// <summary>Joins parts with <see cref="Separator"/> (for seeds).</summary>
    public static byte[] Join(params byte[][] parts) =>
        [.. parts.SelectMany((p, i) => i == 0 ? p : [.. System.Text.Encoding.ASCII.GetBytes(Separator), .. p])];
}
