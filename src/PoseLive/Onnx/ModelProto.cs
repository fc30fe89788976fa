using Google.Protobuf;

namespace PoseLive.Onnx;

/// <summary>onnx.ModelProto.</summary>
public sealed class ModelProto : ProtoMessage
{
    /// <summary>IR version 8 (ONNX 1.10+) is read by every ORT we target; opset is independent.</summary>
    public long IrVersion { get; set; } = 8;
    public List<OperatorSetIdProto> OpsetImport { get; } = [];
    public string? ProducerName { get; set; }
    public string? ProducerVersion { get; set; }
    public string? Domain { get; set; }
    public long ModelVersion { get; set; }
    public string? DocString { get; set; }
    public GraphProto? Graph { get; set; }
    public List<StringStringEntryProto> MetadataProps { get; } = [];

    public override int CalculateSize() =>
        SizeInt64(1, IrVersion) + SizeString(2, ProducerName) + SizeString(3, ProducerVersion) +
        SizeString(4, Domain) + SizeInt64(5, ModelVersion) + SizeString(6, DocString) +
        SizeMessage(7, Graph) + SizeMessages(8, OpsetImport) + SizeMessages(14, MetadataProps);

    public override void WriteTo(CodedOutputStream output)
    {
        WriteInt64(output, 1, IrVersion);
        WriteString(output, 2, ProducerName);
        WriteString(output, 3, ProducerVersion);
        WriteString(output, 4, Domain);
        WriteInt64(output, 5, ModelVersion);
        WriteString(output, 6, DocString);
        WriteMessage(output, 7, Graph);
        WriteMessages(output, 8, OpsetImport);
        WriteMessages(output, 14, MetadataProps);
    }
}

/// <summary>onnx.OperatorSetIdProto: an operator domain ("" = ai.onnx) and its opset version.</summary>
public sealed class OperatorSetIdProto : ProtoMessage
{
    public string Domain { get; set; } = "";
    public long Version { get; set; }

    public override int CalculateSize() => SizeString(1, Domain) + SizeInt64(2, Version);

    public override void WriteTo(CodedOutputStream output)
    {
        WriteString(output, 1, Domain);
        WriteInt64(output, 2, Version);
    }
}

/// <summary>onnx.StringStringEntryProto (model metadata).</summary>
public sealed class StringStringEntryProto : ProtoMessage
{
    public string Key { get; set; } = "";
    public string Value { get; set; } = "";

    public override int CalculateSize() => SizeString(1, Key) + SizeString(2, Value);

    public override void WriteTo(CodedOutputStream output)
    {
        WriteString(output, 1, Key);
        WriteString(output, 2, Value);
    }
}

/// <summary>onnx.GraphProto.</summary>
public sealed class GraphProto : ProtoMessage
{
    public List<NodeProto> Node { get; } = [];
    public string Name { get; set; } = "";
    public List<TensorProto> Initializer { get; } = [];
    public string? DocString { get; set; }
    public List<ValueInfoProto> Input { get; } = [];
    public List<ValueInfoProto> Output { get; } = [];
    public List<ValueInfoProto> ValueInfo { get; } = [];

    public override int CalculateSize() =>
        SizeMessages(1, Node) + SizeString(2, Name) + SizeMessages(5, Initializer) + SizeString(10, DocString) +
        SizeMessages(11, Input) + SizeMessages(12, Output) + SizeMessages(13, ValueInfo);

    public override void WriteTo(CodedOutputStream output)
    {
        WriteMessages(output, 1, Node);
        WriteString(output, 2, Name);
        WriteMessages(output, 5, Initializer);
        WriteString(output, 10, DocString);
        WriteMessages(output, 11, Input);
        WriteMessages(output, 12, Output);
        WriteMessages(output, 13, ValueInfo);
    }
}

/// <summary>onnx.NodeProto.</summary>
public sealed class NodeProto : ProtoMessage
{
    public List<string> Input { get; } = [];
    public List<string> Output { get; } = [];
    public string? Name { get; set; }
    public string OpType { get; set; } = "";
    public string? Domain { get; set; }
    public List<AttributeProto> Attribute { get; } = [];
    public string? DocString { get; set; }

    public override int CalculateSize() =>
        SizeStrings(1, Input) + SizeStrings(2, Output) + SizeString(3, Name) + SizeString(4, OpType) +
        SizeMessages(5, Attribute) + SizeString(6, DocString) + SizeString(7, Domain);

    public override void WriteTo(CodedOutputStream output)
    {
        WriteStrings(output, 1, Input);
        WriteStrings(output, 2, Output);
        WriteString(output, 3, Name);
        WriteString(output, 4, OpType);
        WriteMessages(output, 5, Attribute);
        WriteString(output, 6, DocString);
        WriteString(output, 7, Domain);
    }
}
