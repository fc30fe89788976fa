using System.Runtime.InteropServices;

namespace PoseLive.Interop.Torch;

/// <summary>Op codes of the shim's generic entry points (native/torchshim/tensor_ops.cpp keeps the same numbers).</summary>
internal enum UnaryOp { Neg = 0, Abs, Exp, Log, Sqrt, Tanh, Relu6, Sigmoid, Relu, Sign, Floor, Log1p }

internal enum BinaryOp { Add = 0, Sub, Mul, Div, Pow, Maximum, Minimum, Eq, Gt, Lt, Ge, Le }

internal enum ScalarOp { Add = 0, Sub, Mul, Div, Pow, Eq, Gt, Lt, Ge, Le, ReverseSub, ReverseDiv }

/// <summary>The second part of the shim's ABI: generic elementwise ops, reductions, indexing, resampling, losses, devices.</summary>
internal static unsafe partial class TorchNative
{
    [LibraryImport(Lib)] public static partial int pl_unary(TensorHandle a, UnaryOp op, out nint result);
    [LibraryImport(Lib)] public static partial int pl_binary(TensorHandle a, TensorHandle b, BinaryOp op, out nint result);
    [LibraryImport(Lib)] public static partial int pl_scalar(TensorHandle a, double s, ScalarOp op, out nint result);
    [LibraryImport(Lib)] public static partial int pl_clamp(TensorHandle a, double lo, double hi, out nint result);
    [LibraryImport(Lib)] public static partial int pl_where(TensorHandle condition, TensorHandle a, TensorHandle b, out nint result);
    [LibraryImport(Lib)] public static partial int pl_to_dtype(TensorHandle a, int dtype, out nint result);
    [LibraryImport(Lib)] public static partial int pl_clone(TensorHandle a, out nint result);
    [LibraryImport(Lib)] public static partial int pl_relu_(TensorHandle a);
    [LibraryImport(Lib)] public static partial int pl_add_(TensorHandle a, TensorHandle b);

    [LibraryImport(Lib)] public static partial int pl_sum_dims(TensorHandle a, long* dims, int ndim, int keepdim, out nint result);
    [LibraryImport(Lib)] public static partial int pl_mean_dims(TensorHandle a, long* dims, int ndim, int keepdim, out nint result);
    [LibraryImport(Lib)] public static partial int pl_max_dim(TensorHandle a, long dim, int keepdim, out nint values, out nint indices);

    [LibraryImport(Lib)] public static partial int pl_permute(TensorHandle a, long* dims, int ndim, out nint result);
    [LibraryImport(Lib)] public static partial int pl_narrow(TensorHandle a, long dim, long start, long length, out nint result);
    [LibraryImport(Lib)] public static partial int pl_index_select(TensorHandle a, long dim, TensorHandle index, out nint result);
    [LibraryImport(Lib)] public static partial int pl_cat(nint* tensors, int count, long dim, out nint result);
    [LibraryImport(Lib)] public static partial int pl_pad(TensorHandle a, long* pads, int n, int mode, double value, out nint result);
    [LibraryImport(Lib)] public static partial int pl_flip(TensorHandle a, long* dims, int ndim, out nint result);

    [LibraryImport(Lib)] public static partial int pl_upsample_nearest2d(TensorHandle x, long outH, long outW, out nint result);
    [LibraryImport(Lib)] public static partial int pl_upsample_bilinear2d(TensorHandle x, long outH, long outW, int alignCorners, out nint result);
    [LibraryImport(Lib)] public static partial int pl_avg_pool2d(TensorHandle x, int kernel, int stride, int pad, int ceilMode, int countIncludePad, out nint result);
    [LibraryImport(Lib)] public static partial int pl_adaptive_avg_pool2d(TensorHandle x, long outH, long outW, out nint result);

    [LibraryImport(Lib)] public static partial int pl_mse_loss(TensorHandle a, TensorHandle b, int reduction, out nint result);
    [LibraryImport(Lib)] public static partial int pl_l1_loss(TensorHandle a, TensorHandle b, int reduction, out nint result);

    [LibraryImport(Lib)] public static partial int pl_cuda_available();
    [LibraryImport(Lib)] public static partial int pl_to_device(TensorHandle a, int type, int index, out nint result);
    [LibraryImport(Lib)] public static partial int pl_tensor_device(TensorHandle a, out int type, out int index);
    [LibraryImport(Lib)] public static partial int pl_set_data(TensorHandle t, TensorHandle source);
    [LibraryImport(Lib)] public static partial int pl_torch_set_flush_denormal(int on);
}
