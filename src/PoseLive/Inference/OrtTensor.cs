using System.Buffers;
using System.Runtime.InteropServices;
using PoseLive.Onnx;
using Ort = Microsoft.ML.OnnxRuntime;

namespace PoseLive.Inference;

/// <summary>
/// A dense tensor over managed memory that ONNX Runtime reads or writes in place: an <see cref="Ort.OrtValue"/>
/// created over the memory, which stays pinned for exactly the tensor's lifetime; no copy is made. Element types:
/// float, Half (float16), int, long, byte (and the other fixed-size ONNX types). Dispose to unpin.
/// </summary>
public sealed class OrtTensor : IDisposable
{
    private readonly object _memory;   // Memory<T> boxed; its element type is checked in Span<T>()
    private readonly Type _clrType;
    private readonly long[] _shape;
    private Ort.OrtValue? _value;      // owns the pin of the memory
    private readonly Lock _gate = new();
    private int _holders = 1;          // the owner, plus each binding that has the value bound
    private bool _disposed;

    private OrtTensor(object memory, Type clrType, OnnxDataType type, long[] shape, Ort.OrtValue value)
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
        OnnxRuntime.EnsureLoaded();
        // ORT's C# API knows float16 as its own Float16 struct, bit-identical to System.Half.
        var value = typeof(T) == typeof(Half)
            ? Ort.OrtValue.CreateTensorValueFromMemory(Ort.OrtMemoryInfo.DefaultInstance, new HalfAsFloat16((Memory<Half>)(object)data).Memory, copy)
            : Ort.OrtValue.CreateTensorValueFromMemory(Ort.OrtMemoryInfo.DefaultInstance, data, copy);
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
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (typeof(T) != _clrType)
            throw new InvalidOperationException($"Tensor holds {ElementType} ({_clrType.Name}), not {typeof(T).Name}.");
        return ((Memory<T>)_memory).Span;
    }

    /// <summary>A copy of the elements.</summary>
    public T[] ToArray<T>() where T : unmanaged => Span<T>().ToArray();

    /// <summary>The ORT value over this tensor's memory, for a binding: kept (and the memory pinned) until the binding
    /// calls <see cref="Release"/>, even if the owner disposes the tensor first.</summary>
    internal Ort.OrtValue Retain()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _holders++;
            return _value!;
        }
    }

    /// <summary>Drops one hold on the value; the last one unpins the memory.</summary>
    internal void Release()
    {
        Ort.OrtValue? last = null;
        lock (_gate)
        {
            if (--_holders == 0) (last, _value) = (_value, null);
        }
        last?.Dispose();
    }

    /// <summary>Shape as text, e.g. [1,3,256,192].</summary>
    public string ShapeText => "[" + string.Join(",", _shape) + "]";

    public override string ToString() => $"{ElementType} {ShapeText}";

    /// <summary>Unpins the memory, or leaves that to the last binding that still has the tensor bound.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
        }
        Release();
    }

    /// <summary>Copies an ORT-allocated output into a new managed tensor (the caller keeps ownership of the value).</summary>
    internal static OrtTensor CopyOf(Ort.OrtValue value)
    {
        var info = value.GetTensorTypeAndShape();
        var shape = info.Shape;
        var type = (OnnxDataType)(int)info.ElementDataType;
        return type switch
        {
            OnnxDataType.Float => CopyOut<float>(value, shape),
            OnnxDataType.Float16 => Create(MemoryMarshal.Cast<Ort.Float16, Half>(value.GetTensorDataAsSpan<Ort.Float16>()).ToArray(), shape),
            OnnxDataType.Int32 => CopyOut<int>(value, shape),
            OnnxDataType.Int64 => CopyOut<long>(value, shape),
            OnnxDataType.UInt8 => CopyOut<byte>(value, shape),
            OnnxDataType.Int8 => CopyOut<sbyte>(value, shape),
            OnnxDataType.Double => CopyOut<double>(value, shape),
            OnnxDataType.Bool => CopyOut<bool>(value, shape),
            OnnxDataType.Int16 => CopyOut<short>(value, shape),
            OnnxDataType.UInt16 => CopyOut<ushort>(value, shape),
            _ => throw new NotSupportedException($"Output element type {type} is not supported."),
        };
    }

    private static OrtTensor CopyOut<T>(Ort.OrtValue value, long[] shape) where T : unmanaged => Create(value.GetTensorDataAsSpan<T>().ToArray(), shape);

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

    /// <summary>Views Memory&lt;Half&gt; as Memory&lt;Float16&gt; (same 16 bits); pinning pins the Half memory.</summary>
    private sealed class HalfAsFloat16(Memory<Half> inner) : MemoryManager<Ort.Float16>
    {
        public override Span<Ort.Float16> GetSpan() => MemoryMarshal.Cast<Half, Ort.Float16>(inner.Span);
        public override MemoryHandle Pin(int elementIndex = 0) => inner[elementIndex..].Pin();
        public override void Unpin() { }
        protected override void Dispose(bool disposing) { }
    }
}
