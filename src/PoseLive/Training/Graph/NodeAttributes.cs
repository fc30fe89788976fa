using PoseLive.Onnx;

namespace PoseLive.Training.Graph;

/// <summary>Typed access to an ONNX node's attributes, with the operator's defaults, failing with the node's name.</summary>
internal static class NodeAttributes
{
    public static string Label(this NodeProto node) => $"{node.OpType} node '{node.Name ?? node.Output.FirstOrDefault() ?? "?"}'";

    private static AttributeProto? Find(NodeProto node, string name)
    {
        foreach (var a in node.Attribute) if (a.Name == name) return a;
        return null;
    }

    public static long Int(this NodeProto node, string name, long fallback) => Find(node, name)?.I ?? fallback;

    public static float Float(this NodeProto node, string name, float fallback) => Find(node, name)?.F ?? fallback;

    public static string String(this NodeProto node, string name, string fallback) => Find(node, name)?.S ?? fallback;

    public static long[]? Ints(this NodeProto node, string name) => Find(node, name) is { } a ? [.. a.Ints] : null;

    public static TensorProto? TensorAttr(this NodeProto node, string name) => Find(node, name)?.T;

    /// <summary>Fails naming the node when it carries an attribute value PoseLive does not run.</summary>
    public static GraphOpException Unsupported(this NodeProto node, string what) => new($"{node.Label()}: {what} is not supported");
}

/// <summary>An ONNX graph that cannot become a trainable module: the message names the op and node.</summary>
public sealed class GraphOpException(string message) : Exception(message);
