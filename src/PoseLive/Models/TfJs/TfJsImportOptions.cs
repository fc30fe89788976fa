using PoseLive.Onnx;

namespace PoseLive.Models.TfJs;

/// <summary>
/// What to import: the graph is cut at the named tensors (<see cref="Outputs"/>: TF tensor → ONNX output
/// name), and tensors may be replaced by new graph inputs (<see cref="InputOverrides"/>), e.g. to skip
/// preprocessing that pins the batch size to 1.
/// </summary>
public sealed record TfJsImportOptions
{
    /// <summary>TF tensor names ("node" or "node:1") → ONNX output names. Rank-4 outputs are NCHW.</summary>
    public required IReadOnlyDictionary<string, string> Outputs { get; init; }

    /// <summary>TF tensor → new graph input (name, element type, NHWC shape with -1 for dynamic dims). Cast to float when needed.</summary>
    public IReadOnlyDictionary<string, (string Name, OnnxDataType Type, long[] Shape)> InputOverrides { get; init; } =
        new Dictionary<string, (string, OnnxDataType, long[])>();

    /// <summary>Make the batch dimension of placeholder inputs dynamic.</summary>
    public bool DynamicBatch { get; init; } = true;

    public int Opset { get; init; } = 17;

    /// <summary>Model metadata written into the ONNX file.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
}

/// <summary>A TF.js graph uses something the importer does not map; names the op and the node.</summary>
public sealed class TfJsUnsupportedException(string message) : Exception(message);
