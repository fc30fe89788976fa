using System.Text.Json;
using System.Text.Json.Serialization;

namespace PoseLive.Models;

/// <summary>How a model's input is laid out and normalised.</summary>
public sealed record ModelInput
{
    public required string Name { get; init; }
    /// <summary>NHWC or NCHW.</summary>
    public required string Layout { get; init; }
    /// <summary>float32 or int32.</summary>
    public required string Dtype { get; init; }
    public required int Width { get; init; }
    public required int Height { get; init; }
    /// <summary>Pixel value range fed in, e.g. "0-255".</summary>
    public string Range { get; init; } = "0-255";
    /// <summary>RGB or BGR.</summary>
    public string ColorOrder { get; init; } = "RGB";
    public float[] Mean { get; init; } = [0, 0, 0];
    public float[] Std { get; init; } = [1, 1, 1];
    /// <summary>How a frame becomes the input: "stretch" (whole image resized) or "crop" (a top-down person crop).</summary>
    public string Resize { get; init; } = "crop";
}

/// <summary>Where a converted model came from.</summary>
public sealed record ModelSource
{
    public required string Package { get; init; }
    public required string Path { get; init; }
    public string? Origin { get; init; }
    public required string License { get; init; }
}

/// <summary>
/// A model card: everything needed to serve a model — file, input layout/dtype/range/colour/normalisation,
/// output semantics, keypoint schema and decoder — plus its source and licence. Stored as JSON beside
/// the ONNX file (models/NAME.card.json).
/// </summary>
public sealed record ModelCard
{
    public required string Name { get; init; }
    /// <summary>"detector" or "pose".</summary>
    public required string Task { get; init; }
    public required string File { get; init; }
    public required ModelSource Source { get; init; }
    public required ModelInput Input { get; init; }
    /// <summary>ONNX output name → what it holds.</summary>
    public required Dictionary<string, string> Outputs { get; init; }
    /// <summary>Keypoint schema name (coco17, quadruped18) for pose models; class list for detectors.</summary>
    public string? KeypointSchema { get; init; }
    /// <summary>Decoder: centernet-ltrb, movenet, or a heatmap codec name (msra, dark, udp, soft-argmax).</summary>
    public required string Decoder { get; init; }
    public int HeatmapStride { get; init; } = 4;
    /// <summary>Detectors: their class names by id. Pose models: the detector classes whose boxes they pose (default: the schema's, see <see cref="PosedClasses"/>).</summary>
    public string[]? Classes { get; init; }
    /// <summary>For TF.js-converted models: the original graph's input placeholder and cut tensors (TF name → ONNX output).</summary>
    public TfJsCut? Tfjs { get; init; }
    /// <summary>SHA-256 of the ONNX file the card describes.</summary>
    public string? Sha256 { get; init; }
    public string? Description { get; init; }
    /// <summary>For models PoseLive trained: how (net, data, epochs, validation metric, run and checkpoint).</summary>
    public TrainingProvenance? Training { get; init; }

    public sealed record TrainingProvenance(string Net, string Dataset, string? ValidationDataset, int Epochs, string Metric, double? MetricValue,
        int BestEpoch, string Run, string Checkpoint, string Codec, double Sigma, string Created);

    public sealed record TfJsCut(string Input, Dictionary<string, string> Outputs);

    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>
    /// The detector classes a pose model poses: its card's <see cref="Classes"/>, else its schema's subject (coco17:
    /// person; quadruped18: horse).
    /// </summary>
    public IReadOnlyList<string> PosedClasses() => Task == "pose" && Classes is { Length: > 0 } c ? c
        : KeypointSchema is "quadruped18" ? ["horse"] : ["person"];

    /// <summary>The ids, in <paramref name="detector"/>'s class list, of the classes this pose model poses.</summary>
    public IReadOnlySet<int> DetectorClassIds(ModelCard detector)
    {
        var names = detector.Classes ?? ["person"];
        var ids = new HashSet<int>();
        foreach (var want in PosedClasses())
        {
            int id = Array.FindIndex(names, n => string.Equals(n, want, StringComparison.OrdinalIgnoreCase));
            if (id < 0) throw new ModelCardException($"{Name} poses '{want}', but the detector {detector.Name} has no such class");
            ids.Add(id);
        }
        return ids;
    }

    public string ToJson() => JsonSerializer.Serialize(this, s_json);

    /// <summary>Reads and validates a card; a corrupt or incomplete card is an error naming the file and the problem.</summary>
    public static ModelCard Load(string path)
    {
        if (!System.IO.File.Exists(path)) throw new FileNotFoundException($"Model card '{path}' does not exist.", path);
        ModelCard? card;
        try { card = JsonSerializer.Deserialize<ModelCard>(System.IO.File.ReadAllBytes(path), s_json); }
        catch (JsonException e) { throw new ModelCardException($"{path}: not a valid model card ({e.Message})"); }
        if (card is null) throw new ModelCardException($"{path}: empty model card");
        return card.Validate(path);
    }

    public ModelCard Validate(string where)
    {
        void Fail(string problem) => throw new ModelCardException($"{where}: {problem}");
        if (Task is not ("detector" or "pose")) Fail($"task '{Task}' must be 'detector' or 'pose'");
        if (Input.Width <= 0 || Input.Height <= 0) Fail($"input size {Input.Width}x{Input.Height} is not positive");
        if (Input.Layout is not ("NHWC" or "NCHW")) Fail($"input layout '{Input.Layout}' must be NHWC or NCHW");
        if (Input.Dtype is not ("float32" or "int32")) Fail($"input dtype '{Input.Dtype}' must be float32 or int32");
        if (Input.ColorOrder is not ("RGB" or "BGR")) Fail($"colour order '{Input.ColorOrder}' must be RGB or BGR");
        if (Input.Mean.Length != 3 || Input.Std.Length != 3 || Input.Std.Any(s => !(s > 0))) Fail("input mean/std must be 3 values with positive std");
        if (Outputs.Count == 0) Fail("no outputs described");
        if (Task == "pose" && KeypointSchema is null) Fail("a pose model needs a keypointSchema");
        return this;
    }
}

/// <summary>A model card is missing, corrupt or inconsistent.</summary>
public sealed class ModelCardException(string message) : Exception(message);
