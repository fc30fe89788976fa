using System.Globalization;
using System.Text.Json;
using PoseLive.Models;
using PoseLive.Training.Checkpoints;
using PoseLive.Training.Nets;

namespace PoseLive.Training.Runs;

/// <summary>
/// Turns a run folder into a served model: the best checkpoint (else the last) of the run's net, exported to
/// models/NAME.onnx with a card saying how to serve it (input size, normalisation and colour order, codec, schema)
/// and where it came from (dataset, epochs, validation metric, run, checkpoint).
/// </summary>
public static class RunExporter
{
    /// <summary>
    /// Exports the run's served checkpoint as models/NAME.onnx + card; <paramref name="description"/> replaces the default
    /// one-line history, <paramref name="detectorClasses"/> the schema's default posed classes.
    /// </summary>
    public static ModelCard Export(string run, string name, string modelsDirectory, string? description = null, string[]? detectorClasses = null)
    {
        if (string.IsNullOrWhiteSpace(name) || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name.Contains('.'))
            throw new ArgumentException($"model name '{name}' must be a plain file name without dots");
        var o = ReadConfig(run);
        var checkpoint = CheckpointOf(run);
        var schema = Pose.KeypointSchema.ByName(o.Schema ?? "coco17");
        var codec = Trainer.CreateCodec(o, schema.Count);
        if (Graph.ServedGraphNet.IsServed(o.Net)) return ExportServed(run, name, modelsDirectory, description, detectorClasses, o, checkpoint, schema, codec);
        using var net = PoseNets.Create(o.Net, codec.OutputChannels(schema.Count));
        var state = TrainingCheckpoint.Load(checkpoint, net, null, out _);
        net.Eval();
        var normalization = PoseNets.Normalization(o.Net);
        var input = new ModelInput
        {
            Name = "input", Layout = "NCHW", Dtype = "float32", Width = o.InputWidth, Height = o.InputHeight,
            ColorOrder = normalization.Order == Pose.Geometry.ChannelOrder.Bgr ? "BGR" : "RGB", Mean = normalization.Mean, Std = normalization.Std,
        };
        string metric = o.Metric ?? (schema.Name == Pose.KeypointSchema.Coco17.Name ? "ap" : "pck");
        var provenance = new ModelCard.TrainingProvenance(o.Net, Path.GetFileName(o.Train), o.Validation is null ? (o.ValidationSplit > 0 ? $"last {o.ValidationSplit:P0} of {Path.GetFileName(o.Train)}" : null) : Path.GetFileName(o.Validation),
            state.Epoch, metric, double.IsFinite(state.BestMetric) ? state.BestMetric : null, state.BestEpoch, Path.GetFullPath(run), Path.GetFileName(checkpoint), o.Codec,
            codec is Pose.Codecs.MsraHeatmapCodec m ? m.Sigma : o.Sigma ?? 2, DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        description ??= string.Format(CultureInfo.InvariantCulture, "{0} {1}x{2} trained by poselive train on {3} for {4} epochs{5}", o.Net, o.InputHeight, o.InputWidth,
            provenance.Dataset, state.Epoch, provenance.MetricValue is double v ? $"; best {metric} {v:F4} at epoch {state.BestEpoch}" : "");
        net.To(Training.Tensors.DType.Float32);
        return Training.Export.ServedModelWriter.Write(net, modelsDirectory, name, input, o.Codec, schema.Name, $"poselive train ({Path.GetFileName(run)})", description, provenance, detectorClasses);
    }

    /// <summary>
    /// A fine-tuned served model: the original graph with the trained initialisers (same nodes, so it runs as fast), and the
    /// original card under the new name with the new file's hash and the run's provenance.
    /// </summary>
    private static ModelCard ExportServed(string run, string name, string modelsDirectory, string? description, string[]? detectorClasses, TrainingOptions o,
        string checkpoint, Pose.KeypointSchema schema, Pose.Codecs.IKeypointCodec codec)
    {
        var source = o.Net[Graph.ServedGraphNet.Prefix.Length..];
        using var net = Graph.ServedGraphNet.Load(source);
        var state = TrainingCheckpoint.Load(checkpoint, net, null, out _);
        string metric = o.Metric ?? (schema.Name == Pose.KeypointSchema.Coco17.Name ? "ap" : "pck");
        var provenance = new ModelCard.TrainingProvenance(net.Card.Name, Path.GetFileName(o.Train), o.Validation is null ? null : Path.GetFileName(o.Validation),
            state.Epoch, metric, double.IsFinite(state.BestMetric) ? state.BestMetric : null, state.BestEpoch, Path.GetFullPath(run), Path.GetFileName(checkpoint), o.Codec,
            0, DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        description ??= string.Format(CultureInfo.InvariantCulture, "{0} fine-tuned by poselive finetune on {1} for {2} epochs{3}", net.Card.Name, provenance.Dataset, state.Epoch,
            provenance.MetricValue is double v ? $"; best {metric} {v:F4} at epoch {state.BestEpoch}" : "");
        Directory.CreateDirectory(modelsDirectory);
        var file = name + ".onnx";
        var bytes = net.Graph.ToModel(new Dictionary<string, string> { ["poselive.origin"] = $"poselive finetune ({Path.GetFileName(run)}) from {net.Card.Name}" }).ToByteArray();
        var card = net.Card with
        {
            Name = name, File = file, Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), Description = description, Training = provenance,
            Source = net.Card.Source with { Origin = $"{net.Card.Source.Origin}, fine-tuned by poselive finetune ({Path.GetFileName(run)})" },
            Classes = detectorClasses ?? net.Card.Classes,
        };
        card.Validate(name);
        IO.AtomicFile.WriteAllBytes(Path.Combine(modelsDirectory, file), bytes);
        IO.AtomicFile.WriteAllBytes(Path.Combine(modelsDirectory, name + ".card.json"), System.Text.Encoding.UTF8.GetBytes(card.ToJson()));
        return card;
    }

    /// <summary>The options a run was made with (its config.json).</summary>
    internal static TrainingOptions ReadConfig(string run)
    {
        var configPath = Path.Combine(run, "config.json");
        if (!File.Exists(configPath)) throw new FileNotFoundException($"{run}: not a training run (no config.json)", configPath);
        try { return JsonSerializer.Deserialize<TrainingOptions>(File.ReadAllBytes(configPath)) ?? throw new JsonException("empty"); }
        catch (JsonException e) { throw new CheckpointFormatException($"{configPath}: not a valid run config ({e.Message})"); }
    }

    /// <summary>The checkpoint a run serves: best.pth, else last.pth.</summary>
    internal static string CheckpointOf(string run)
    {
        var checkpoint = File.Exists(Path.Combine(run, "best.pth")) ? Path.Combine(run, "best.pth") : Path.Combine(run, "last.pth");
        return File.Exists(checkpoint) ? checkpoint : throw new FileNotFoundException($"{run}: no checkpoint to export (neither best.pth nor last.pth)", checkpoint);
    }
}
