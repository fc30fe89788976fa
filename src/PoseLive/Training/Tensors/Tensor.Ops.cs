using PoseLive.Interop.Torch;

namespace PoseLive.Training.Tensors;

/// <summary>Elementwise maths, comparisons, reductions over dimensions, shape and indexing ops, dtype and device moves.</summary>
public sealed partial class Tensor
{
    private Tensor Unary(UnaryOp op) => Take(TorchNative.pl_unary(Handle, op, out var r), r, op.ToString().ToLowerInvariant());
    private static Tensor Binary(Tensor a, Tensor b, BinaryOp op) => Take(TorchNative.pl_binary(a.Handle, b.Handle, op, out var r), r, op.ToString().ToLowerInvariant());
    private Tensor Scalar(double s, ScalarOp op) => Take(TorchNative.pl_scalar(Handle, s, op, out var r), r, op.ToString().ToLowerInvariant());

    public Tensor Neg() => Unary(UnaryOp.Neg);
    public Tensor Abs() => Unary(UnaryOp.Abs);
    public Tensor Exp() => Unary(UnaryOp.Exp);
    public Tensor Log() => Unary(UnaryOp.Log);
    public Tensor Log1p() => Unary(UnaryOp.Log1p);
    public Tensor Sqrt() => Unary(UnaryOp.Sqrt);
    public Tensor Tanh() => Unary(UnaryOp.Tanh);
    public Tensor Relu6() => Unary(UnaryOp.Relu6);
    public Tensor Sign() => Unary(UnaryOp.Sign);
    public Tensor Floor() => Unary(UnaryOp.Floor);
    public Tensor Pow(double exponent) => Scalar(exponent, ScalarOp.Pow);
    public Tensor Pow(Tensor exponent) => Binary(this, exponent, BinaryOp.Pow);
    public Tensor Clamp(double min, double max) => Take(TorchNative.pl_clamp(Handle, min, max, out var r), r, "clamp");
    public static Tensor Maximum(Tensor a, Tensor b) => Binary(a, b, BinaryOp.Maximum);
    public static Tensor Minimum(Tensor a, Tensor b) => Binary(a, b, BinaryOp.Minimum);

    /// <summary>In place, recorded by autograd (PyTorch's relu_); returns this tensor.</summary>
    public Tensor ReluInPlace()
    {
        TorchError.Check(TorchNative.pl_relu_(Handle), "relu_");
        return this;
    }

    /// <summary>In place <c>this += other</c>, recorded by autograd; returns this tensor.</summary>
    public Tensor AddInPlace(Tensor other)
    {
        TorchError.Check(TorchNative.pl_add_(Handle, other.Handle), "add_");
        return this;
    }

    public static Tensor operator /(Tensor a, Tensor b) => Binary(a, b, BinaryOp.Div);
    public static Tensor operator -(Tensor a) => a.Neg();
    public static Tensor operator +(Tensor a, double s) => a.Scalar(s, ScalarOp.Add);
    public static Tensor operator +(double s, Tensor a) => a.Scalar(s, ScalarOp.Add);
    public static Tensor operator -(Tensor a, double s) => a.Scalar(s, ScalarOp.Sub);
    public static Tensor operator -(double s, Tensor a) => a.Scalar(s, ScalarOp.ReverseSub);
    public static Tensor operator *(double s, Tensor a) => a.Scalar(s, ScalarOp.Mul);
    public static Tensor operator /(Tensor a, double s) => a.Scalar(s, ScalarOp.Div);
    public static Tensor operator /(double s, Tensor a) => a.Scalar(s, ScalarOp.ReverseDiv);

    // Comparisons give Bool tensors (no gradient); use them with Where or convert with To(DType.Float32).
    public Tensor Eq(double s) => Scalar(s, ScalarOp.Eq);
    public Tensor Gt(double s) => Scalar(s, ScalarOp.Gt);
    public Tensor Lt(double s) => Scalar(s, ScalarOp.Lt);
    public Tensor Ge(double s) => Scalar(s, ScalarOp.Ge);
    public Tensor Le(double s) => Scalar(s, ScalarOp.Le);
    public Tensor Eq(Tensor other) => Binary(this, other, BinaryOp.Eq);
    public Tensor Gt(Tensor other) => Binary(this, other, BinaryOp.Gt);
    public Tensor Lt(Tensor other) => Binary(this, other, BinaryOp.Lt);

    /// <summary>Elementwise choice: <paramref name="whenTrue"/> where <paramref name="condition"/> holds, else <paramref name="whenFalse"/>.</summary>
    public static Tensor Where(Tensor condition, Tensor whenTrue, Tensor whenFalse) =>
        Take(TorchNative.pl_where(condition.Handle, whenTrue.Handle, whenFalse.Handle, out var r), r, "where");

    public Tensor To(DType dtype) => Take(TorchNative.pl_to_dtype(Handle, (int)dtype, out var r), r, "to");
    public Tensor Clone() => Take(TorchNative.pl_clone(Handle, out var r), r, "clone");

    public Tensor Sum(long[] dims, bool keepDim = false) => new(TorchCalls.Reduce(Handle, dims, keepDim, mean: false));
    public Tensor Mean(long[] dims, bool keepDim = false) => new(TorchCalls.Reduce(Handle, dims, keepDim, mean: true));

    /// <summary>Maximum along <paramref name="dim"/> and where it is (Int64 indices).</summary>
    public (Tensor Values, Tensor Indices) Max(long dim, bool keepDim = false)
    {
        TorchError.Check(TorchNative.pl_max_dim(Handle, dim, keepDim ? 1 : 0, out var v, out var i), "max");
        return (new Tensor(new TensorHandle(v)), new Tensor(new TensorHandle(i)));
    }

    /// <summary>Dimensions reordered (result is contiguous).</summary>
    public Tensor Permute(params long[] dims) => new(TorchCalls.Permute(Handle, dims));

    /// <summary>The slice [start, start + length) of dimension <paramref name="dim"/> (a view sharing storage).</summary>
    public Tensor Narrow(long dim, long start, long length) => Take(TorchNative.pl_narrow(Handle, dim, start, length, out var r), r, "narrow");

    /// <summary>Entries of dimension <paramref name="dim"/> picked by an Int64 index tensor (e.g. left/right joint swaps).</summary>
    public Tensor IndexSelect(long dim, Tensor index) => Take(TorchNative.pl_index_select(Handle, dim, index.Handle, out var r), r, "index_select");

    public Tensor Flip(params long[] dims) => new(TorchCalls.Flip(Handle, dims));

    /// <summary>Pads in torch order (last dim's begin and end first); negative amounts crop. Mode: constant, reflect or edge.</summary>
    public Tensor Pad(long[] pads, PadMode mode = PadMode.Constant, double value = 0) => new(TorchCalls.Pad(Handle, pads, (int)mode, value));

    public static Tensor Cat(IReadOnlyList<Tensor> tensors, long dim)
    {
        if (tensors.Count == 0) throw new ArgumentException("cat needs at least one tensor", nameof(tensors));
        return new Tensor(TorchCalls.Cat(tensors.Select(t => t.Handle).ToArray(), dim));
    }

    /// <summary>The device the tensor lives on.</summary>
    public Device Device
    {
        get
        {
            TorchError.Check(TorchNative.pl_tensor_device(Handle, out var type, out var index), "device");
            return new Device((DeviceType)type, index);
        }
    }

    /// <summary>A copy on <paramref name="device"/> (or this tensor's values shared when already there).</summary>
    public Tensor To(Device device) => Take(TorchNative.pl_to_device(Handle, (int)device.Type, device.Index, out var r), r, "to(device)");

    /// <summary>Points this tensor at <paramref name="source"/>'s data (same handle; like <c>param.data = source</c>).</summary>
    internal void SetData(Tensor source) => TorchError.Check(TorchNative.pl_set_data(Handle, source.Handle), "set_data");
}

/// <summary>How <see cref="Tensor.Pad"/> fills: a constant, the mirror image without the edge, or the edge repeated.</summary>
public enum PadMode { Constant = 0, Reflect = 1, Edge = 2 }
