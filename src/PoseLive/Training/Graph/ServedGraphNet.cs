using PoseLive.Models;
using PoseLive.Pose.Geometry;
using PoseLive.Training.Modules;
using PoseLive.Training.Tensors;

namespace PoseLive.Training.Graph;

/// <summary>
/// A served model (ONNX + card) as a net the trainer trains: it takes the trainer's NCHW float crops, feeds them in the
/// layout the card declares (NHWC for the TF.js imports, whose graph casts its int32 input to float first, so float
/// pixels pass through unchanged), and returns the heads in its codec's layout. MoveNet (decoder "movenet") returns
/// <c>[heatmaps, centre, regression, offsets, served centre]</c> for <see cref="Pose.Codecs.MoveNetCodec"/>, where
/// "centre" is the graph's centre map before its fixed weighting towards the image centre (the value a focal loss can
/// drive to 1); heatmap models return their one output. The graph's parameters are this module's under "graph.".
/// </summary>
public sealed class ServedGraphNet : Module
{
    private readonly OnnxGraphModule _graph;
    private readonly string[] _values;

    public ModelCard Card { get; }
    public string OnnxPath { get; }
    public OnnxGraphModule Graph => _graph;

    /// <summary>The net name the trainer's options use for a served model: onnx:PATH.</summary>
    public const string Prefix = "onnx:";

    public static bool IsServed(string net) => net.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>Loads models/NAME.onnx with its card (NAME.card.json beside it).</summary>
    public static ServedGraphNet Load(string onnxPath)
    {
        var cardPath = CardPath(onnxPath);
        if (!File.Exists(onnxPath)) throw new FileNotFoundException($"{onnxPath}: no such model", onnxPath);
        if (!File.Exists(cardPath)) throw new FileNotFoundException($"{onnxPath}: no model card beside it ({Path.GetFileName(cardPath)})", cardPath);
        return new ServedGraphNet(ModelCard.Load(cardPath), onnxPath, OnnxGraphModule.Load(onnxPath));
    }

    internal static string CardPath(string onnxPath) => Path.ChangeExtension(onnxPath, null) + ".card.json";

    /// <summary>The input normalisation a served model's card declares.</summary>
    public static InputNormalization NormalizationOf(ModelCard card) =>
        new(card.Input.Mean, card.Input.Std, card.Input.ColorOrder == "BGR" ? ChannelOrder.Bgr : ChannelOrder.Rgb);

    public ServedGraphNet(ModelCard card, string onnxPath, OnnxGraphModule graph)
    {
        Card = card;
        OnnxPath = onnxPath;
        _graph = RegisterModule("graph", graph);
        try
        {
            if (graph.InputNames.Count != 1) throw new GraphOpException($"{onnxPath}: a served pose model takes one input, this one {graph.InputNames.Count}");
            _values = card.Decoder == "movenet"
                ? ["heatmaps", UnweightedCentre(graph, onnxPath), "regression", "offsets", "centers"]
                : [graph.OutputNames[0]];
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    // "centers" = Identity(Mul(Sigmoid(logits), fixed weighting)): the Sigmoid's output is the trainable centre map.
    private static string UnweightedCentre(OnnxGraphModule graph, string source)
    {
        var value = "centers";
        var node = graph.Producer(value);
        while (node is { OpType: "Identity" }) node = graph.Producer(value = node.Input[0]);
        if (node is { OpType: "Mul" } && node.Input.Count == 2)
        {
            var other = graph.IsFixed(node.Input[1]) ? node.Input[0] : graph.IsFixed(node.Input[0]) ? node.Input[1] : null;
            if (other is not null && graph.Producer(other) is { OpType: "Sigmoid" }) return other;
        }
        throw new GraphOpException($"{source}: MoveNet's 'centers' output is not a sigmoid times a fixed weighting map, so its centre head cannot be trained");
    }

    public override Tensor Forward(Tensor input)
    {
        using var scope = new DisposeScope();
        var x = Card.Input.Layout == "NHWC" ? input.Permute(0, 2, 3, 1) : input;
        var heads = _graph.RunValues([x], _values);
        var result = heads.Length == 1 ? heads[0] : Tensor.Cat(heads, 1);
        return scope.MoveToOuter(result);
    }
}
