using PoseLive.Interop.Torch;

namespace PoseLive.Training.Tensors;

/// <summary>Element types a libtorch tensor can hold (codes shared with the shim).</summary>
public enum DType { Float32 = 0, Float64 = 1, Float16 = 2, Int64 = 3, Int32 = 4, UInt8 = 5, Bool = 6 }

/// <summary>
/// A libtorch tensor (CPU). Operations return new tensors; each owns its native storage reference and must be
/// disposed — directly, or by the innermost open <see cref="DisposeScope"/>, which collects every tensor
/// created while it is open. <see cref="Torch.LiveTensors"/> counts handles not yet released.
/// </summary>
public sealed partial class Tensor : IDisposable
{
    private readonly TensorHandle _handle;

    internal Tensor(TensorHandle handle)
    {
        _handle = handle;
        _scope = DisposeScope.Current;
        _scope?.Track(this);
    }

    private DisposeScope? _scope;

    /// <summary>Removes the tensor from the dispose scope that collected it (module parameters live with their module).</summary>
    internal void DetachFromScope()
    {
        _scope?.Untrack(this);
        _scope = null;
    }

    internal void AttachToScope(DisposeScope? scope)
    {
        _scope = scope;
        scope?.Track(this);
    }

    internal TensorHandle Handle => !_handle.IsClosed ? _handle : throw new ObjectDisposedException(nameof(Tensor));

    public bool IsDisposed => _handle.IsClosed;

    public void Dispose() => _handle.Dispose();

    private static Tensor Wrap(int code, nint result, string operation) => new(TorchError.Take(code, result, operation));

    public static Tensor FromArray(float[] data, params long[] shape) => FromSpan<float>(data, shape, DType.Float32);
    public static Tensor FromArray(double[] data, params long[] shape) => FromSpan<double>(data, shape, DType.Float64);
    public static Tensor FromArray(long[] data, params long[] shape) => FromSpan<long>(data, shape, DType.Int64);
    public static Tensor FromArray(int[] data, params long[] shape) => FromSpan<int>(data, shape, DType.Int32);

    /// <summary>A tensor of <paramref name="dtype"/> from little-endian element bytes (an ONNX initialiser's raw data).</summary>
    internal static Tensor FromBytes(ReadOnlySpan<byte> data, long[] shape, DType dtype) => dtype switch
    {
        DType.Float32 => FromSpan(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(data), shape, dtype),
        DType.Float64 => FromSpan(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(data), shape, dtype),
        DType.Int64 => FromSpan(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(data), shape, dtype),
        DType.Int32 => FromSpan(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(data), shape, dtype),
        DType.UInt8 or DType.Bool => FromSpan(data, shape, dtype),
        _ => throw new ArgumentException($"no byte conversion for {dtype}", nameof(dtype)),
    };

    private static Tensor FromSpan<T>(ReadOnlySpan<T> data, long[] shape, DType dtype) where T : unmanaged
    {
        long count = shape.Aggregate(1L, (a, b) => a * b);
        if (count != data.Length)
            throw new ArgumentException($"shape [{string.Join(", ", shape)}] holds {count} values but {data.Length} were given", nameof(data));
        return new Tensor(TorchCalls.FromData(data, shape, (int)dtype));
    }

    public static Tensor Zeros(params long[] shape)
    {
        return new Tensor(TorchCalls.Zeros(shape, (int)DType.Float32));
    }

    public static Tensor Randn(params long[] shape)
    {
        return new Tensor(TorchCalls.Randn(shape));
    }

    public long[] Shape => TorchCalls.Shape(Handle);

    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    public DType DType => (DType)TorchNative.pl_tensor_dtype(Handle);

    /// <summary>The values as a contiguous float32 array (the tensor must be float32).</summary>
    public float[] ToFloats()
    {
        if (DType != DType.Float32) throw new InvalidOperationException($"ToFloats needs a Float32 tensor, this one is {DType}");
        var data = new float[ElementCount];
        TorchCalls.CopyTo<float>(Handle, data);
        return data;
    }

    /// <summary>The values as a contiguous float64 array (the tensor must be float64).</summary>
    public double[] ToDoubles()
    {
        if (DType != DType.Float64) throw new InvalidOperationException($"ToDoubles needs a Float64 tensor, this one is {DType}");
        var data = new double[ElementCount];
        TorchCalls.CopyTo<double>(Handle, data);
        return data;
    }

    /// <summary>The values as a contiguous int64 array (the tensor must be Int64).</summary>
    public long[] ToLongs()
    {
        if (DType != DType.Int64) throw new InvalidOperationException($"ToLongs needs an Int64 tensor, this one is {DType}");
        var data = new long[ElementCount];
        TorchCalls.CopyTo<long>(Handle, data);
        return data;
    }

    /// <summary>Overwrites the values in place from row-major data of the same element count and type.</summary>
    public void CopyFrom(ReadOnlySpan<float> values) => CopyFrom<float>(values, DType.Float32);
    public void CopyFrom(ReadOnlySpan<long> values) => CopyFrom<long>(values, DType.Int64);

    private void CopyFrom<T>(ReadOnlySpan<T> values, DType dtype) where T : unmanaged
    {
        if (DType != dtype) throw new InvalidOperationException($"cannot copy {dtype} values into a {DType} tensor");
        TorchCalls.CopyFrom(Handle, values);
    }

    /// <summary>Adds <paramref name="value"/> in place, outside autograd (counters such as num_batches_tracked).</summary>
    public void AddInPlace(double value) => TorchError.Check(TorchNative.pl_add_scalar_(Handle, value), "add_");

    /// <summary>The native pointer of an optional tensor argument (0 for none); callers keep the tensor alive.</summary>
    internal static nint OptionalHandle(Tensor? t) => t is null ? 0 : t.Handle.DangerousGetHandle();

    internal static Tensor Take(int code, nint result, string operation) => Wrap(code, result, operation);

    /// <summary>The single value of a one-element tensor.</summary>
    public double Item()
    {
        TorchError.Check(TorchNative.pl_tensor_item(Handle, out var v), "item");
        return v;
    }

    public bool RequiresGrad
    {
        get => TorchNative.pl_tensor_requires_grad(Handle) != 0;
        set => TorchError.Check(TorchNative.pl_tensor_set_requires_grad(Handle, value ? 1 : 0), "requires_grad_");
    }

    public Tensor WithRequiresGrad() { RequiresGrad = true; return this; }

    public void Backward() => TorchError.Check(TorchNative.pl_tensor_backward(Handle), "backward");

    /// <summary>The accumulated gradient (a new handle sharing its storage), or null before any backward.</summary>
    public Tensor? Grad
    {
        get
        {
            TorchError.Check(TorchNative.pl_tensor_grad(Handle, out var r), "grad");
            return r == 0 ? null : new Tensor(new TensorHandle(r));
        }
    }

    public void ZeroGrad() => TorchError.Check(TorchNative.pl_tensor_zero_grad(Handle), "zero_grad");

    public Tensor Detach() => Wrap(TorchNative.pl_tensor_detach(Handle, out var r), r, "detach");

    public Tensor Reshape(params long[] shape)
    {
        return new Tensor(TorchCalls.Reshape(Handle, shape));
    }

    public Tensor Sum() => Sum([]);
    public Tensor Mean() => Mean([]);
    public Tensor Relu() => Unary(UnaryOp.Relu);
    public Tensor Sigmoid() => Unary(UnaryOp.Sigmoid);
    public Tensor Softmax(int dim) => Wrap(TorchNative.pl_softmax(Handle, dim, out var r), r, "softmax");
    public Tensor MatMul(Tensor other) => Wrap(TorchNative.pl_matmul(Handle, other.Handle, out var r), r, "matmul");

    public static Tensor operator +(Tensor a, Tensor b) => Wrap(TorchNative.pl_add(a.Handle, b.Handle, out var r), r, "add");
    public static Tensor operator -(Tensor a, Tensor b) => Wrap(TorchNative.pl_sub(a.Handle, b.Handle, out var r), r, "sub");
    public static Tensor operator *(Tensor a, Tensor b) => Wrap(TorchNative.pl_mul(a.Handle, b.Handle, out var r), r, "mul");
    public static Tensor operator *(Tensor a, double s) => a.Scalar(s, ScalarOp.Mul);

    public override string ToString() => IsDisposed ? "Tensor(disposed)" : $"Tensor[{string.Join(", ", Shape)}] {DType}";
}
