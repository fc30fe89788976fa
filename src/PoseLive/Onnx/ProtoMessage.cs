using Google.Protobuf;

namespace PoseLive.Onnx;

/// <summary>
/// Base of the hand-written ONNX protobuf contracts: each message knows its size and writes itself
/// with Google.Protobuf's wire-level <see cref="CodedOutputStream"/> (no protoc, no reflection).
/// Field numbers are the official ones from onnx.proto.
/// </summary>
public abstract class ProtoMessage
{
    /// <summary>Serialised size in bytes.</summary>
    public abstract int CalculateSize();

    /// <summary>Writes the message's fields (without an outer tag or length).</summary>
    public abstract void WriteTo(CodedOutputStream output);

    /// <summary>The message serialised to bytes.</summary>
    public byte[] ToByteArray()
    {
        var bytes = new byte[CalculateSize()];
        var output = new CodedOutputStream(bytes);
        WriteTo(output);
        output.CheckNoSpaceLeft();
        return bytes;
    }

    /// <summary>Writes the message to a stream.</summary>
    public void WriteTo(Stream stream)
    {
        using var output = new CodedOutputStream(stream, leaveOpen: true);
        WriteTo(output);
        output.Flush();
    }

    // ---- helpers shared by the contracts ---------------------------------------------------------

    private static int Tag(int field) => CodedOutputStream.ComputeTagSize(field);

    internal static int SizeString(int field, string? value) =>
        string.IsNullOrEmpty(value) ? 0 : Tag(field) + CodedOutputStream.ComputeStringSize(value);

    internal static void WriteString(CodedOutputStream o, int field, string? value)
    {
        if (string.IsNullOrEmpty(value)) return;
        o.WriteTag(field, WireFormat.WireType.LengthDelimited);
        o.WriteString(value);
    }

    internal static int SizeInt64(int field, long value) =>
        value == 0 ? 0 : Tag(field) + CodedOutputStream.ComputeInt64Size(value);

    internal static void WriteInt64(CodedOutputStream o, int field, long value)
    {
        if (value == 0) return;
        o.WriteTag(field, WireFormat.WireType.Varint);
        o.WriteInt64(value);
    }

    internal static int SizeInt32(int field, int value) =>
        value == 0 ? 0 : Tag(field) + CodedOutputStream.ComputeInt32Size(value);

    internal static void WriteInt32(CodedOutputStream o, int field, int value)
    {
        if (value == 0) return;
        o.WriteTag(field, WireFormat.WireType.Varint);
        o.WriteInt32(value);
    }

    internal static int SizeBytes(int field, ReadOnlyMemory<byte> value) =>
        value.IsEmpty ? 0 : Tag(field) + CodedOutputStream.ComputeLengthSize(value.Length) + value.Length;

    internal static void WriteBytes(CodedOutputStream o, int field, ReadOnlyMemory<byte> value)
    {
        if (value.IsEmpty) return;
        o.WriteTag(field, WireFormat.WireType.LengthDelimited);
        o.WriteBytes(UnsafeByteOperations.UnsafeWrap(value)); // length + bytes, no copy
    }

    internal static int SizeMessage(int field, ProtoMessage? message)
    {
        if (message is null) return 0;
        int size = message.CalculateSize();
        return Tag(field) + CodedOutputStream.ComputeLengthSize(size) + size;
    }

    internal static void WriteMessage(CodedOutputStream o, int field, ProtoMessage? message)
    {
        if (message is null) return;
        o.WriteTag(field, WireFormat.WireType.LengthDelimited);
        o.WriteLength(message.CalculateSize());
        message.WriteTo(o);
    }

    internal static int SizeMessages<T>(int field, List<T> messages) where T : ProtoMessage
    {
        int total = 0;
        foreach (var m in messages) total += SizeMessage(field, m);
        return total;
    }

    internal static void WriteMessages<T>(CodedOutputStream o, int field, List<T> messages) where T : ProtoMessage
    {
        foreach (var m in messages) WriteMessage(o, field, m);
    }

    internal static int SizeStrings(int field, List<string> values)
    {
        int total = 0;
        // Repeated strings keep empty entries: an empty node input means "optional input omitted".
        foreach (var v in values) total += Tag(field) + CodedOutputStream.ComputeStringSize(v);
        return total;
    }

    internal static void WriteStrings(CodedOutputStream o, int field, List<string> values)
    {
        foreach (var v in values)
        {
            o.WriteTag(field, WireFormat.WireType.LengthDelimited);
            o.WriteString(v);
        }
    }

    // Repeated scalars are written packed (proto3 default; proto2 parsers accept both encodings).
    internal static int SizePackedInt64(int field, List<long> values)
    {
        if (values.Count == 0) return 0;
        int payload = 0;
        foreach (var v in values) payload += CodedOutputStream.ComputeInt64Size(v);
        return Tag(field) + CodedOutputStream.ComputeLengthSize(payload) + payload;
    }

    internal static void WritePackedInt64(CodedOutputStream o, int field, List<long> values)
    {
        if (values.Count == 0) return;
        int payload = 0;
        foreach (var v in values) payload += CodedOutputStream.ComputeInt64Size(v);
        o.WriteTag(field, WireFormat.WireType.LengthDelimited);
        o.WriteLength(payload);
        foreach (var v in values) o.WriteInt64(v);
    }

    internal static int SizePackedFloat(int field, List<float> values) =>
        values.Count == 0 ? 0 : Tag(field) + CodedOutputStream.ComputeLengthSize(values.Count * 4) + values.Count * 4;

    internal static void WritePackedFloat(CodedOutputStream o, int field, List<float> values)
    {
        if (values.Count == 0) return;
        o.WriteTag(field, WireFormat.WireType.LengthDelimited);
        o.WriteLength(values.Count * 4);
        foreach (var v in values) o.WriteFloat(v);
    }
}
