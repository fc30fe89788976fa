using PoseLive.Onnx;
using PoseLive.Training.Modules;
using PoseLive.Training.Tensors;

namespace PoseLive.Training.Export;

/// <summary>
/// Graph-building state while a module tree writes itself into ONNX (opset 17): the builder, and the state_dict
/// name prefix of the module being exported, so initialisers carry the PyTorch names (e.g. layer1.0.conv1.weight).
/// </summary>
public sealed class OnnxExportContext(OnnxGraphBuilder graph)
{
    private readonly Stack<string> _prefix = new();

    public OnnxGraphBuilder Graph { get; } = graph;

    public string Prefix => string.Concat(_prefix.Reverse());

    /// <summary>Exports <paramref name="child"/> under the name it has in its parent's state_dict.</summary>
    public string Child(string name, Module child, string input)
    {
        _prefix.Push(name + ".");
        try { return child.ExportOnnx(this, input); }
        finally { _prefix.Pop(); }
    }

    /// <summary>Enters a child scope by name (for modules with several inputs or outputs, which export themselves).</summary>
    public void Push(string name) => _prefix.Push(name + ".");

    public void Pop() => _prefix.Pop();

    /// <summary>Adds a tensor's current values as an initialiser named by the current prefix.</summary>
    public string Weight(string name, Tensor tensor)
    {
        var values = tensor.ToFloats();
        return Graph.Initializer<float>(Prefix + name, values, tensor.Shape);
    }

    public string Constant(string name, long[] values) => Graph.Initializer<long>(Prefix + name, values, values.Length);

    public string ConstantFloats(string name, float[] values) => Graph.Initializer<float>(Prefix + name, values, values.Length);
}

/// <summary>Turns a trained network into an ONNX model PoseLive serves (NCHW float32 input, dynamic batch).</summary>
public static class OnnxExporter
{
    public static byte[] Export(Module net, int channels, int height, int width, string inputName = "input", string outputName = "heatmaps",
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        var graph = new OnnxGraphBuilder(net.GetType().Name, opset: 17);
        var input = graph.Input(inputName, OnnxDataType.Float, "batch", channels, height, width);
        var context = new OnnxExportContext(graph);
        string output;
        using (Torch.NoGrad()) output = net.ExportOnnx(context, input);
        graph.NodeNamed("Identity", [output], [outputName]);
        graph.OutputOfUnknownShape(outputName, OnnxDataType.Float);
        return graph.Build(metadata: metadata).ToByteArray();
    }
}

/// <summary>Writes a trained top-down heatmap network as a model PoseLive serves: NAME.onnx plus NAME.card.json.</summary>
public static class ServedModelWriter
{
    /// <summary>
    /// Exports <paramref name="net"/> for <paramref name="input"/> (size, colour order, normalisation) and writes the
    /// model and its card atomically into <paramref name="directory"/>; returns the card (with the ONNX file's sha256).
    /// </summary>
    public static Models.ModelCard Write(Module net, string directory, string name, Models.ModelInput input, string decoder, string keypointSchema,
        string origin, string? description = null, Models.ModelCard.TrainingProvenance? training = null, string[]? classes = null)
    {
        Directory.CreateDirectory(directory);
        var bytes = OnnxExporter.Export(net, 3, input.Height, input.Width, input.Name, "heatmaps", new Dictionary<string, string> { ["poselive.origin"] = origin });
        var file = name + ".onnx";
        var card = new Models.ModelCard
        {
            Name = name,
            Task = "pose",
            File = file,
            Source = new Models.ModelSource { Package = "poselive-training", Path = file, Origin = origin, License = "as the weights it was trained from" },
            Input = input with { Layout = "NCHW", Dtype = "float32" },
            Outputs = new Dictionary<string, string> { ["heatmaps"] = $"[N, K, {input.Height / 4}, {input.Width / 4}] keypoint heatmaps" },
            KeypointSchema = keypointSchema,
            Classes = classes ?? (keypointSchema == "quadruped18" ? ["horse"] : ["person"]),   // the detector classes whose boxes it poses
            Decoder = decoder,
            HeatmapStride = 4,
            Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)),
            Description = description,
            Training = training,
        }.Validate(name);
        IO.AtomicFile.WriteAllBytes(Path.Combine(directory, file), bytes);
        IO.AtomicFile.WriteAllBytes(Path.Combine(directory, name + ".card.json"), System.Text.Encoding.UTF8.GetBytes(card.ToJson()));
        return card;
    }
}
