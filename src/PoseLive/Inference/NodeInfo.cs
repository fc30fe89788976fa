using PoseLive.Onnx;

namespace PoseLive.Inference;

/// <summary>
/// A model input or output: name, element type and shape. Dynamic dimensions are -1 in
/// <see cref="Shape"/> and carry their symbolic name (if any) in <see cref="SymbolicDims"/>.
/// </summary>
public sealed record NodeInfo(string Name, OnnxDataType ElementType, long[] Shape, string?[] SymbolicDims, bool IsTensor)
{
    /// <summary>Shape as text, e.g. [batch,3,256,192].</summary>
    public string ShapeText => "[" + string.Join(",", Shape.Select((d, i) => d >= 0 ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : SymbolicDims[i] ?? "?")) + "]";

    /// <summary>Whether a concrete shape fits this declared shape (rank equal, fixed dims equal).</summary>
    public bool Accepts(ReadOnlySpan<long> shape)
    {
        if (shape.Length != Shape.Length) return false;
        for (int i = 0; i < shape.Length; i++)
            if (Shape[i] >= 0 && Shape[i] != shape[i]) return false;
        return true;
    }

    public override string ToString() => $"{Name}: {ElementType} {ShapeText}";
}
