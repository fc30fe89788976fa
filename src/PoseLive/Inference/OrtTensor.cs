using System.Runtime.InteropServices;
using PoseLive.Interop.Ort;
using PoseLive.Onnx;

namespace PoseLive.Inference;

/// <summary>
/// A dense tensor over managed memory that ONNX Runtime reads or writes in place: the memory is pinned
/// for exactly the tensor's lifetime and no copy is made. Element types: float, Half (float16), int,
/// long, byte (and the other fixed-size ONNX types). Dispose to unpin.
/// </summary>
public sealed class OrtTensor : IDisposable
{
    private readonly object _memory;   // Memory<T> boxed; its element type is checked in Span<T>()
    private readonly Type _clrType;
    private readonly long[] _shape;
    private OrtValueHandle? _value;   // owns the pin of the memory

    private OrtTensor(object memory, Type clrType, OnnxDataType type, long[] shape, OrtValueHandle value)
    {
        _memory = memory;
        _clrType = clrType;
        ElementType = type;
        _shape = shape;
        _value = value;
        ElementCount = Count(shape);
    }

    /// <summary>A tensor over <paramref name="data"/> with the given shape (the element count must match).</summary>
    public static OrtTensor Create<T>(Memory<T> data, params long[] shape) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(shape);
        long n = Count(shape);
        if (n != data.Length)
            throw new TensorMismatchException($"Shape [{string.Join(",", shape)}] holds {n} elements but the buffer has {data.Length}.");
        var type = OnnxDataTypeInfo.Of<T>();
        var copy = (long[])shape.Clone();
        var value = OrtValueNative.CreateTensor(data, copy, type);
        return new OrtTensor(data, typeof(T), type, copy, value);
    }

    /// <summary>A tensor over an array.</summary>
    public static OrtTensor Create<T>(T[] data, params long[] shape) where T : unmanaged => Create(data.AsMemory(), shape);

    /// <summary>A zero-filled tensor of the given shape (e.g. a reusable output).</summary>
    public static OrtTensor Allocate<T>(params long[] shape) where T : unmanaged => Create(new T[checked((int)Count(shape))], shape);

    /// <summary>ONNX element type.</summary>
    public OnnxDataType ElementType { get; }

    /// <summary>Dimensions.</summary>
    public ReadOnlySpan<long> Shape => _shape;

    /// <summary>Number of elements.</summary>
    public long ElementCount { get; }

    /// <summary>The elements, read/write. <typeparamref name="T"/> must be the tensor's element type.</summary>
    public Span<T> Span<T>() where T : unmanaged
    {
        ObjectDisposedException.ThrowIf(_value is null, this);
        if (typeof(T) != _clrType)
            throw new InvalidOperationException($"Tensor holds {ElementType} ({_clrType.Name}), not {typeof(T).Name}.");
        return ((Memory<T>)_memory).Span;
    }

    /// <summary>A copy of the elements.</summary>
    public T[] ToArray<T>() where T : unmanaged => Span<T>().ToArray();

    internal OrtValueHandle Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_value is null, this);
            return _value;
        }
    }

    /// <summary>Shape as text, e.g. [1,3,256,192].</summary>
    public string ShapeText => "[" + string.Join(",", _shape) + "]";

    public override string ToString() => $"{ElementType} {ShapeText}";

    public void Dispose()
    {
        // The value (and with it the pin) is released once no binding holds it any more.
        Interlocked.Exchange(ref _value, null)?.Dispose();
    }

    /// <summary>Copies an ORT-allocated output into a new managed tensor and releases the ORT value.</summary>
    internal static OrtTensor FromOrtAllocated(nint value)
    {
        try
        {
            var (type, shape, data) = OrtValueNative.Describe(value);
            int count = checked((int)Count(shape));
            return type switch
            {
                OnnxDataType.Float => CopyOut<float>(data, count, shape),
                OnnxDataType.Float16 => CopyOut<Half>(data, count, shape),
                OnnxDataType.Int32 => CopyOut<int>(data, count, shape),
                OnnxDataType.Int64 => CopyOut<long>(data, count, shape),
                OnnxDataType.UInt8 => CopyOut<byte>(data, count, shape),
                OnnxDataType.Int8 => CopyOut<sbyte>(data, count, shape),
                OnnxDataType.Double => CopyOut<double>(data, count, shape),
                OnnxDataType.Bool => CopyOut<bool>(data, count, shape),
                OnnxDataType.Int16 => CopyOut<short>(data, count, shape),
                OnnxDataType.UInt16 => CopyOut<ushort>(data, count, shape),
                _ => throw new NotSupportedException($"Output element type {type} is not supported."),
            };
        }
        finally
        {
            OrtValueNative.Release(value);
        }
    }

    private static OrtTensor CopyOut<T>(nint data, int count, long[] shape) where T : unmanaged
    {
        var array = new T[count];
        OrtValueNative.CopyBytes(data, MemoryMarshal.AsBytes(array.AsSpan()));
        return Create(array, shape);
    }

    private static long Count(long[] shape)
    {
        long n = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new TensorMismatchException($"Shape [{string.Join(",", shape)}] has a negative dimension.");
            n = checked(n * d);
        }
        return n;
    }
}
