using Google.Protobuf;

namespace PoseLive.Onnx;

/// <summary>onnx.ValueInfoProto: a named, typed graph input/output.</summary>
public sealed class ValueInfoProto : ProtoMessage
{
    public string Name { get; set; } = "";
    public TypeProto? Type { get; set; }
    public string? DocString { get; set; }

    public override int CalculateSize() => SizeString(1, Name) + SizeMessage(2, Type) + SizeString(3, DocString);

    public override void WriteTo(CodedOutputStream output)
    {
        WriteString(output, 1, Name);
        WriteMessage(output, 2, Type);
        WriteString(output, 3, DocString);
    }
}

/// <summary>onnx.TypeProto restricted to its tensor_type case (field 1).</summary>
public sealed class TypeProto : ProtoMessage
{
    public TensorTypeProto? TensorType { get; set; }

    public override int CalculateSize() => SizeMessage(1, TensorType);

    public override void WriteTo(CodedOutputStream output) => WriteMessage(output, 1, TensorType);
}

/// <summary>onnx.TypeProto.Tensor: element type and (optional) shape.</summary>
public sealed class TensorTypeProto : ProtoMessage
{
    public OnnxDataType ElemType { get; set; }
    public TensorShapeProto? Shape { get; set; }

    public override int CalculateSize() => SizeInt32(1, (int)ElemType) + SizeMessage(2, Shape);

    public override void WriteTo(CodedOutputStream output)
    {
        WriteInt32(output, 1, (int)ElemType);
        WriteMessage(output, 2, Shape);
    }
}

/// <summary>onnx.TensorShapeProto.</summary>
public sealed class TensorShapeProto : ProtoMessage
{
    public List<DimensionProto> Dim { get; } = [];

    public override int CalculateSize() => SizeMessages(1, Dim);

    public override void WriteTo(CodedOutputStream output) => WriteMessages(output, 1, Dim);
}

/// <summary>onnx.TensorShapeProto.Dimension: a fixed value or a symbolic name (dynamic).</summary>
public sealed class DimensionProto : ProtoMessage
{
    public long? DimValue { get; set; }
    public string? DimParam { get; set; }

    public override int CalculateSize()
    {
        // dim_value is part of a oneof: a fixed 0 must still be written.
        int size = DimValue is long v ? CodedOutputStream.ComputeTagSize(1) + CodedOutputStream.ComputeInt64Size(v) : 0;
        return size + SizeString(2, DimParam);
    }

    public override void WriteTo(CodedOutputStream output)
    {
        if (DimValue is long v)
        {
            output.WriteTag(1, WireFormat.WireType.Varint);
            output.WriteInt64(v);
        }
        WriteString(output, 2, DimParam);
    }
}
