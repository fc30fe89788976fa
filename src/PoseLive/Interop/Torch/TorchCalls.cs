namespace PoseLive.Interop.Torch;

/// <summary>
/// The shim calls that take pointers, wrapped over spans and arrays so that the public Training API stays free of
/// unsafe code. Each checks the result through <see cref="TorchError"/> and returns owned handles.
/// </summary>
internal static unsafe class TorchCalls
{
    public static string Version => TorchNative.Utf8(TorchNative.pl_torch_version());

    public static TensorHandle FromData<T>(ReadOnlySpan<T> data, long[] shape, int dtype) where T : unmanaged
    {
        fixed (T* p = data)
        fixed (long* s = shape)
            return TorchError.Take(TorchNative.pl_tensor_from_data(p, s, shape.Length, dtype, out var r), r, "from_data");
    }

    public static TensorHandle Zeros(long[] shape, int dtype)
    {
        fixed (long* s = shape) return TorchError.Take(TorchNative.pl_tensor_zeros(s, shape.Length, dtype, out var r), r, "zeros");
    }

    public static TensorHandle Randn(long[] shape)
    {
        fixed (long* s = shape) return TorchError.Take(TorchNative.pl_tensor_randn(s, shape.Length, out var r), r, "randn");
    }

    public static TensorHandle Reshape(TensorHandle t, long[] shape)
    {
        fixed (long* s = shape) return TorchError.Take(TorchNative.pl_reshape(t, s, shape.Length, out var r), r, "reshape");
    }

    public static TensorHandle LayerNorm(TensorHandle x, long[] normalizedShape, nint weight, nint bias, double eps)
    {
        fixed (long* s = normalizedShape)
            return TorchError.Take(TorchNative.pl_layer_norm(x, s, normalizedShape.Length, weight, bias, eps, out var r), r, "layer_norm");
    }

    public static long[] Shape(TensorHandle t)
    {
        int n = TorchNative.pl_tensor_ndim(t);
        var shape = new long[n];
        fixed (long* p = shape) TorchError.Check(TorchNative.pl_tensor_shape(t, p, n), "shape");
        return shape;
    }

    /// <summary>Copies the tensor's values into <paramref name="destination"/>, which must hold exactly all of them.</summary>
    public static void CopyTo<T>(TensorHandle t, Span<T> destination) where T : unmanaged
    {
        fixed (T* p = destination) TorchError.Check(TorchNative.pl_tensor_copy_to(t, p, (long)destination.Length * sizeof(T)), "copy_to");
    }

    /// <summary>Overwrites the tensor's values from <paramref name="source"/>, which must hold exactly as many.</summary>
    public static void CopyFrom<T>(TensorHandle t, ReadOnlySpan<T> source) where T : unmanaged
    {
        fixed (T* p = source) TorchError.Check(TorchNative.pl_tensor_copy_from(t, p, (long)source.Length * sizeof(T)), "copy_from");
    }
    /// <summary>Sum (or mean) over <paramref name="dims"/>; over everything when empty.</summary>
    public static TensorHandle Reduce(TensorHandle t, long[] dims, bool keepDim, bool mean)
    {
        fixed (long* d = dims)
            return mean
                ? TorchError.Take(TorchNative.pl_mean_dims(t, d, dims.Length, keepDim ? 1 : 0, out var m), m, "mean")
                : TorchError.Take(TorchNative.pl_sum_dims(t, d, dims.Length, keepDim ? 1 : 0, out var s), s, "sum");
    }

    public static TensorHandle Permute(TensorHandle t, long[] dims)
    {
        fixed (long* d = dims) return TorchError.Take(TorchNative.pl_permute(t, d, dims.Length, out var r), r, "permute");
    }

    public static TensorHandle Pad(TensorHandle t, long[] pads, int mode, double value)
    {
        fixed (long* p = pads) return TorchError.Take(TorchNative.pl_pad(t, p, pads.Length, mode, value, out var r), r, "pad");
    }

    public static TensorHandle Flip(TensorHandle t, long[] dims)
    {
        fixed (long* d = dims) return TorchError.Take(TorchNative.pl_flip(t, d, dims.Length, out var r), r, "flip");
    }

    /// <summary>Concatenates along <paramref name="dim"/>; each handle is held (AddRef) for the duration of the call.</summary>
    public static TensorHandle Cat(IReadOnlyList<TensorHandle> tensors, long dim)
    {
        var pointers = new nint[tensors.Count];
        int held = 0;
        try
        {
            for (; held < tensors.Count; held++)
            {
                bool added = false;
                tensors[held].DangerousAddRef(ref added);
                pointers[held] = tensors[held].DangerousGetHandle();
            }
            fixed (nint* p = pointers) return TorchError.Take(TorchNative.pl_cat(p, pointers.Length, dim, out var r), r, "cat");
        }
        finally
        {
            for (int i = 0; i < held; i++) tensors[i].DangerousRelease();
        }
    }
}
