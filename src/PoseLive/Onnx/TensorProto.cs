using System.Runtime.InteropServices;
using Google.Protobuf;

namespace PoseLive.Onnx;

/// <summary>onnx.TensorProto. Data is stored as little-endian raw_data (field 9).</summary>
public sealed class TensorProto : ProtoMessage
{
    public List<long> Dims { get; } = [];
    public OnnxDataType DataType { get; set; }
    public string Name { get; set; } = "";
    public ReadOnlyMemory<byte> RawData { get; set; }
    public string? DocString { get; set; }

    /// <summary>A tensor from typed values (copied into raw little-endian bytes).</summary>
    public static TensorProto Create<T>(string name, ReadOnlySpan<T> values, ReadOnlySpan<long> dims) where T : unmanaged
    {
        long count = 1;
        foreach (var d in dims)
        {
            if (d < 0) throw new ArgumentException($"Tensor '{name}': negative dimension {d}.", nameof(dims));
            count *= d;
        }
        if (count != values.Length)
            throw new ArgumentException($"Tensor '{name}': shape [{string.Join(",", dims.ToArray())}] holds {count} values, got {values.Length}.", nameof(values));
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw_data is little-endian.");
        var t = new TensorProto { Name = name, DataType = OnnxDataTypeInfo.Of<T>(), RawData = MemoryMarshal.AsBytes(values).ToArray() };
        t.Dims.AddRange(dims.ToArray());
        return t;
    }

    public override int CalculateSize() =>
        SizeUnpackedDims() + SizeInt32(2, (int)DataType) + SizeString(8, Name) + SizeBytes(9, RawData) + SizeString(12, DocString);

    // dims is `repeated int64 dims = 1;` (not packed in onnx.proto): written unpacked, one tag per dim.
    private int SizeUnpackedDims()
    {
        int size = 0;
        foreach (var d in Dims) size += CodedOutputStream.ComputeTagSize(1) + CodedOutputStream.ComputeInt64Size(d);
        return size;
    }

    public override void WriteTo(CodedOutputStream output)
    {
        foreach (var d in Dims)
        {
            output.WriteTag(1, WireFormat.WireType.Varint);
            output.WriteInt64(d);
        }
        WriteInt32(output, 2, (int)DataType);
        WriteString(output, 8, Name);
        WriteBytes(output, 9, RawData);
        WriteString(output, 12, DocString);
    }
}
