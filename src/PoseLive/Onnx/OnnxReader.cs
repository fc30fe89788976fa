using System.Runtime.InteropServices;
using Google.Protobuf;

namespace PoseLive.Onnx;

/// <summary>
/// Reads an ONNX model file into the same contracts the writer uses (<see cref="ModelProto"/> and its parts), so a
/// model read here and written back keeps its graph: nodes, attributes, initialisers, inputs, outputs, value infos,
/// opsets and metadata. Typed tensor fields (float_data, int32_data, int64_data, double_data) become raw little-endian
/// bytes; fields PoseLive does not model (training info, functions, sparse initialisers) are skipped. Field numbers
/// are onnx.proto's.
/// </summary>
public static class OnnxReader
{
    /// <summary>Reads a model file; a file that is not an ONNX model fails naming it.</summary>
    public static ModelProto ReadFile(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (IOException e) { throw new OnnxFormatException($"{path}: {e.Message}"); }
        try { return Read(bytes); }
        catch (OnnxFormatException e) { throw new OnnxFormatException($"{path}: {e.Message}"); }
        catch (InvalidProtocolBufferException e) { throw new OnnxFormatException($"{path}: not an ONNX model ({e.Message})"); }
    }

    public static ModelProto Read(ReadOnlySpan<byte> bytes)
    {
        var input = new CodedInputStream(bytes.ToArray());
        var model = new ModelProto();
        model.IrVersion = 0;
        Fields(input, tag =>
        {
            switch (Field(tag))
            {
                case 1: model.IrVersion = input.ReadInt64(); return true;
                case 2: model.ProducerName = input.ReadString(); return true;
                case 3: model.ProducerVersion = input.ReadString(); return true;
                case 4: model.Domain = input.ReadString(); return true;
                case 5: model.ModelVersion = input.ReadInt64(); return true;
                case 6: model.DocString = input.ReadString(); return true;
                case 7: model.Graph = Graph(Sub(input)); return true;
                case 8: model.OpsetImport.Add(Opset(Sub(input))); return true;
                case 14: model.MetadataProps.Add(Entry(Sub(input))); return true;
                default: return false;
            }
        });
        if (model.Graph is null) throw new OnnxFormatException("the model has no graph");
        return model;
    }

    private static CodedInputStream Sub(CodedInputStream input) => new(input.ReadBytes().ToByteArray());

    /// <summary>Reads a message's fields in order: <paramref name="read"/> takes each tag and says whether it knew the field; unknown ones are skipped.</summary>
    private static void Fields(CodedInputStream input, Func<uint, bool> read)
    {
        uint tag;
        while ((tag = input.ReadTag()) != 0)
            if (!read(tag)) input.SkipLastField();
    }

    private static int Field(uint tag) => WireFormat.GetTagFieldNumber(tag);

    private static OperatorSetIdProto Opset(CodedInputStream input)
    {
        var o = new OperatorSetIdProto();
        Fields(input, tag =>
        {
            switch (Field(tag))
            {
                case 1: o.Domain = input.ReadString(); return true;
                case 2: o.Version = input.ReadInt64(); return true;
                default: return false;
            }
        });
        return o;
    }

    private static StringStringEntryProto Entry(CodedInputStream input)
    {
        var e = new StringStringEntryProto();
        Fields(input, tag =>
        {
            switch (Field(tag))
            {
                case 1: e.Key = input.ReadString(); return true;
                case 2: e.Value = input.ReadString(); return true;
                default: return false;
            }
        });
        return e;
    }

    private static GraphProto Graph(CodedInputStream input)
    {
        var g = new GraphProto();
        Fields(input, tag =>
        {
            switch (Field(tag))
            {
                case 1: g.Node.Add(Node(Sub(input))); return true;
                case 2: g.Name = input.ReadString(); return true;
                case 5: g.Initializer.Add(Tensor(Sub(input))); return true;
                case 10: g.DocString = input.ReadString(); return true;
                case 11: g.Input.Add(ValueInfo(Sub(input))); return true;
                case 12: g.Output.Add(ValueInfo(Sub(input))); return true;
                case 13: g.ValueInfo.Add(ValueInfo(Sub(input))); return true;
                default: return false;
            }
        });
        return g;
    }

    private static NodeProto Node(CodedInputStream input)
    {
        var n = new NodeProto();
        Fields(input, tag =>
        {
            switch (Field(tag))
            {
                case 1: n.Input.Add(input.ReadString()); return true;
                case 2: n.Output.Add(input.ReadString()); return true;
                case 3: n.Name = input.ReadString(); return true;
                case 4: n.OpType = input.ReadString(); return true;
                case 5: n.Attribute.Add(Attribute(Sub(input))); return true;
                case 6: n.DocString = input.ReadString(); return true;
                case 7: n.Domain = input.ReadString(); return true;
                default: return false;
            }
        });
        return n;
    }

    private static AttributeProto Attribute(CodedInputStream input)
    {
        string name = "";
        var type = AttributeType.Undefined;
        float f = 0;
        long i = 0;
        string? s = null;
        TensorProto? t = null;
        GraphProto? g = null;
        List<float> floats = [];
        List<long> ints = [];
        List<string> strings = [];
        Fields(input, tag =>
        {
            switch (Field(tag))
            {
                case 1: name = input.ReadString(); return true;
                case 2: f = input.ReadFloat(); return true;
                case 3: i = input.ReadInt64(); return true;
                case 4: s = input.ReadBytes().ToStringUtf8(); return true;
                case 5: t = Tensor(Sub(input)); return true;
                case 6: g = Graph(Sub(input)); return true;
                case 7: ReadFloats(input, tag, floats); return true;
                case 8: ReadInt64s(input, tag, ints); return true;
                case 9: strings.Add(input.ReadBytes().ToStringUtf8()); return true;
                case 20: type = (AttributeType)input.ReadInt32(); return true;
                default: return false;
            }
        });
        var a = new AttributeProto { Name = name, Type = type, F = f, I = i, S = s, T = t, G = g };
        a.Floats.AddRange(floats);
        a.Ints.AddRange(ints);
        a.Strings.AddRange(strings);
        return a;
    }

    private static ValueInfoProto ValueInfo(CodedInputStream input)
    {
        var v = new ValueInfoProto();
        Fields(input, tag =>
        {
            switch (Field(tag))
            {
                case 1: v.Name = input.ReadString(); return true;
                case 2: v.Type = Type(Sub(input)); return true;
                case 3: v.DocString = input.ReadString(); return true;
                default: return false;
            }
        });
        return v;
    }

    private static TypeProto Type(CodedInputStream input)
    {
        var t = new TypeProto();
        Fields(input, tag =>
        {
            if (Field(tag) != 1) return false;
            t.TensorType = TensorType(Sub(input));
            return true;
        });
        return t;
    }

    private static TensorTypeProto TensorType(CodedInputStream input)
    {
        var t = new TensorTypeProto();
        Fields(input, tag =>
        {
            switch (Field(tag))
            {
                case 1: t.ElemType = (OnnxDataType)input.ReadInt32(); return true;
                case 2: t.Shape = Shape(Sub(input)); return true;
                default: return false;
            }
        });
        return t;
    }

    private static TensorShapeProto Shape(CodedInputStream input)
    {
        var s = new TensorShapeProto();
        Fields(input, tag =>
        {
            if (Field(tag) != 1) return false;
            s.Dim.Add(Dimension(Sub(input)));
            return true;
        });
        return s;
    }

    private static DimensionProto Dimension(CodedInputStream input)
    {
        var d = new DimensionProto();
        Fields(input, tag =>
        {
            switch (Field(tag))
            {
                case 1: d.DimValue = input.ReadInt64(); return true;
                case 2: d.DimParam = input.ReadString(); return true;
                default: return false;
            }
        });
        return d;
    }

    private static TensorProto Tensor(CodedInputStream input)
    {
        var t = new TensorProto();
        List<float> floats = [];
        List<long> longs = [];
        List<double> doubles = [];
        bool external = false;
        Fields(input, tag =>
        {
            switch (Field(tag))
            {
                case 1: ReadInt64s(input, tag, t.Dims); return true;
                case 2: t.DataType = (OnnxDataType)input.ReadInt32(); return true;
                case 4: ReadFloats(input, tag, floats); return true;
                case 5: case 7: ReadInt64s(input, tag, longs); return true; // int32_data and int64_data are both varints
                case 8: t.Name = input.ReadString(); return true;
                case 9: t.RawData = input.ReadBytes().ToByteArray(); return true;
                case 10: ReadDoubles(input, tag, doubles); return true;
                case 12: t.DocString = input.ReadString(); return true;
                case 14: external = input.ReadInt32() == 1; return true;
                default: return false;
            }
        });
        if (external) throw new OnnxFormatException($"initialiser '{t.Name}' keeps its data in an external file, which PoseLive does not read");
        if (t.RawData.IsEmpty) t.RawData = TypedToRaw(t, floats, longs, doubles);
        return t;
    }

    // int32_data carries int32, int16, int8, uint16, uint8, bool and float16 (as bit patterns), one varint each.
    private static byte[] TypedToRaw(TensorProto t, List<float> floats, List<long> longs, List<double> doubles) => t.DataType switch
    {
        OnnxDataType.Float => MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(floats)).ToArray(),
        OnnxDataType.Double => MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(doubles)).ToArray(),
        OnnxDataType.Int64 => MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(longs)).ToArray(),
        OnnxDataType.Int32 => MemoryMarshal.AsBytes(longs.Select(v => (int)v).ToArray().AsSpan()).ToArray(),
        OnnxDataType.Float16 or OnnxDataType.UInt16 or OnnxDataType.Int16 => MemoryMarshal.AsBytes(longs.Select(v => (ushort)v).ToArray().AsSpan()).ToArray(),
        OnnxDataType.UInt8 or OnnxDataType.Int8 or OnnxDataType.Bool => longs.Select(v => (byte)v).ToArray(),
        _ when floats.Count + longs.Count + doubles.Count == 0 => [],
        _ => throw new OnnxFormatException($"initialiser '{t.Name}': typed data of {t.DataType} is not supported"),
    };

    private static void ReadInt64s(CodedInputStream input, uint tag, List<long> into)
    {
        if (WireFormat.GetTagWireType(tag) != WireFormat.WireType.LengthDelimited) { into.Add(input.ReadInt64()); return; }
        var packed = Sub(input);
        while (!packed.IsAtEnd) into.Add(packed.ReadInt64());
    }

    private static void ReadFloats(CodedInputStream input, uint tag, List<float> into)
    {
        if (WireFormat.GetTagWireType(tag) != WireFormat.WireType.LengthDelimited) { into.Add(input.ReadFloat()); return; }
        var packed = Sub(input);
        while (!packed.IsAtEnd) into.Add(packed.ReadFloat());
    }

    private static void ReadDoubles(CodedInputStream input, uint tag, List<double> into)
    {
        if (WireFormat.GetTagWireType(tag) != WireFormat.WireType.LengthDelimited) { into.Add(input.ReadDouble()); return; }
        var packed = Sub(input);
        while (!packed.IsAtEnd) into.Add(packed.ReadDouble());
    }
}

/// <summary>An ONNX file PoseLive cannot read or run; the message names the file, node or initialiser.</summary>
public sealed class OnnxFormatException(string message) : Exception(message);
