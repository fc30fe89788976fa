namespace PoseLive.Onnx;

/// <summary>TensorProto.DataType (onnx.proto); the same numbering as ORT's ONNXTensorElementDataType.</summary>
public enum OnnxDataType
{
    Undefined = 0,
    Float = 1,
    UInt8 = 2,
    Int8 = 3,
    UInt16 = 4,
    Int16 = 5,
    Int32 = 6,
    Int64 = 7,
    String = 8,
    Bool = 9,
    Float16 = 10,
    Double = 11,
    UInt32 = 12,
    UInt64 = 13,
    BFloat16 = 16,
}

/// <summary>Element sizes of the fixed-size ONNX data types.</summary>
public static class OnnxDataTypeInfo
{
    /// <summary>Bytes per element; throws for variable-size or unknown types.</summary>
    public static int SizeOf(OnnxDataType type) => type switch
    {
        OnnxDataType.Float or OnnxDataType.Int32 or OnnxDataType.UInt32 => 4,
        OnnxDataType.UInt8 or OnnxDataType.Int8 or OnnxDataType.Bool => 1,
        OnnxDataType.UInt16 or OnnxDataType.Int16 or OnnxDataType.Float16 or OnnxDataType.BFloat16 => 2,
        OnnxDataType.Int64 or OnnxDataType.UInt64 or OnnxDataType.Double => 8,
        _ => throw new ArgumentException($"ONNX data type {type} has no fixed element size.", nameof(type)),
    };

    /// <summary>The ONNX type of a .NET element type.</summary>
    public static OnnxDataType Of<T>() where T : unmanaged =>
        typeof(T) == typeof(float) ? OnnxDataType.Float :
        typeof(T) == typeof(Half) ? OnnxDataType.Float16 :
        typeof(T) == typeof(int) ? OnnxDataType.Int32 :
        typeof(T) == typeof(long) ? OnnxDataType.Int64 :
        typeof(T) == typeof(byte) ? OnnxDataType.UInt8 :
        typeof(T) == typeof(sbyte) ? OnnxDataType.Int8 :
        typeof(T) == typeof(double) ? OnnxDataType.Double :
        typeof(T) == typeof(bool) ? OnnxDataType.Bool :
        typeof(T) == typeof(short) ? OnnxDataType.Int16 :
        typeof(T) == typeof(ushort) ? OnnxDataType.UInt16 :
        throw new NotSupportedException($"{typeof(T).Name} has no ONNX tensor element type.");
}
