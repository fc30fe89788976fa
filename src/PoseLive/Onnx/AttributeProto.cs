using Google.Protobuf;

namespace PoseLive.Onnx;

/// <summary>onnx.AttributeProto.AttributeType.</summary>
public enum AttributeType
{
    Undefined = 0, Float = 1, Int = 2, String = 3, Tensor = 4, Graph = 5,
    Floats = 6, Ints = 7, Strings = 8, Tensors = 9, Graphs = 10,
}

/// <summary>onnx.AttributeProto: one node attribute. Create through the typed factories.</summary>
public sealed class AttributeProto : ProtoMessage
{
    public string Name { get; internal init; } = "";
    public AttributeType Type { get; internal init; }
    public float F { get; internal init; }
    public long I { get; internal init; }
    public string? S { get; internal init; }
    public TensorProto? T { get; internal init; }
    public GraphProto? G { get; internal init; }
    public List<float> Floats { get; } = [];
    public List<long> Ints { get; } = [];
    public List<string> Strings { get; } = [];

    public static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeType.Float, F = value };
    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeType.Int, I = value };
    public static AttributeProto String(string name, string value) => new() { Name = name, Type = AttributeType.String, S = value };
    public static AttributeProto Tensor(string name, TensorProto value) => new() { Name = name, Type = AttributeType.Tensor, T = value };
    public static AttributeProto Graph(string name, GraphProto value) => new() { Name = name, Type = AttributeType.Graph, G = value };

    public static AttributeProto FloatList(string name, params float[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeType.Floats };
        a.Floats.AddRange(values);
        return a;
    }

    public static AttributeProto IntList(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    public static AttributeProto StringList(string name, params string[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeType.Strings };
        a.Strings.AddRange(values);
        return a;
    }

    public override int CalculateSize()
    {
        int size = SizeString(1, Name) + SizeInt32(20, (int)Type);
        switch (Type)
        {
            // Scalars are written even when zero: the type says which field is meant.
            case AttributeType.Float: size += CodedOutputStream.ComputeTagSize(2) + 4; break;
            case AttributeType.Int: size += CodedOutputStream.ComputeTagSize(3) + CodedOutputStream.ComputeInt64Size(I); break;
            case AttributeType.String: size += CodedOutputStream.ComputeTagSize(4) + CodedOutputStream.ComputeStringSize(S ?? ""); break;
            case AttributeType.Tensor: size += SizeMessage(5, T); break;
            case AttributeType.Graph: size += SizeMessage(6, G); break;
            case AttributeType.Floats: size += SizePackedFloat(7, Floats); break;
            case AttributeType.Ints: size += SizePackedInt64(8, Ints); break;
            case AttributeType.Strings: size += SizeStrings(9, Strings); break;
        }
        return size;
    }

    public override void WriteTo(CodedOutputStream output)
    {
        WriteString(output, 1, Name);
        switch (Type)
        {
            case AttributeType.Float: output.WriteTag(2, WireFormat.WireType.Fixed32); output.WriteFloat(F); break;
            case AttributeType.Int: output.WriteTag(3, WireFormat.WireType.Varint); output.WriteInt64(I); break;
            case AttributeType.String: output.WriteTag(4, WireFormat.WireType.LengthDelimited); output.WriteString(S ?? ""); break;
            case AttributeType.Tensor: WriteMessage(output, 5, T); break;
            case AttributeType.Graph: WriteMessage(output, 6, G); break;
            case AttributeType.Floats: WritePackedFloat(output, 7, Floats); break;
            case AttributeType.Ints: WritePackedInt64(output, 8, Ints); break;
            case AttributeType.Strings: WriteStrings(output, 9, Strings); break;
        }
        WriteInt32(output, 20, (int)Type);
    }
}
