using System.Runtime.InteropServices;

namespace PoseLive.Interop.Torch;

/// <summary>The flat C ABI of libposelive_torch (native/torchshim/torchshim.cpp) over libtorch 1.13.</summary>
internal static unsafe partial class TorchNative
{
    private const string Lib = NativeShims.Torch;

    static TorchNative()
    {
        NativeShims.EnsureRegistered();
        TorchMemory.InstallDefault();
    }

    [LibraryImport(Lib)] public static partial byte* pl_torch_last_error();
    [LibraryImport(Lib)] public static partial long pl_torch_live_tensors();
    [LibraryImport(Lib)] public static partial byte* pl_torch_version();
    [LibraryImport(Lib)] public static partial int pl_torch_set_num_threads(int n);
    [LibraryImport(Lib)] public static partial int pl_torch_get_num_threads();
    [LibraryImport(Lib)] public static partial int pl_torch_set_grad_enabled(int on);
    [LibraryImport(Lib)] public static partial int pl_torch_is_grad_enabled();
    [LibraryImport(Lib)] public static partial int pl_torch_manual_seed(ulong seed);
    [LibraryImport(Lib)] public static partial int pl_torch_caching_allocator(int enabled, long limitBytes);
    [LibraryImport(Lib)] public static partial long pl_torch_cached_bytes();
    [LibraryImport(Lib)] public static partial void pl_torch_empty_cache();

    [LibraryImport(Lib)] public static partial void pl_tensor_free(nint t);
    [LibraryImport(Lib)] public static partial int pl_tensor_from_data(void* data, long* shape, int ndim, int dtype, out nint result);
    [LibraryImport(Lib)] public static partial int pl_tensor_zeros(long* shape, int ndim, int dtype, out nint result);
    [LibraryImport(Lib)] public static partial int pl_tensor_randn(long* shape, int ndim, out nint result);
    [LibraryImport(Lib)] public static partial int pl_tensor_ndim(TensorHandle t);
    [LibraryImport(Lib)] public static partial int pl_tensor_shape(TensorHandle t, long* shape, int capacity);
    [LibraryImport(Lib)] public static partial int pl_tensor_dtype(TensorHandle t);
    [LibraryImport(Lib)] public static partial int pl_tensor_copy_to(TensorHandle t, void* destination, long bytes);
    [LibraryImport(Lib)] public static partial int pl_tensor_item(TensorHandle t, out double value);
    [LibraryImport(Lib)] public static partial int pl_tensor_set_requires_grad(TensorHandle t, int on);
    [LibraryImport(Lib)] public static partial int pl_tensor_requires_grad(TensorHandle t);
    [LibraryImport(Lib)] public static partial int pl_tensor_backward(TensorHandle t);
    [LibraryImport(Lib)] public static partial int pl_tensor_grad(TensorHandle t, out nint result);
    [LibraryImport(Lib)] public static partial int pl_tensor_zero_grad(TensorHandle t);
    [LibraryImport(Lib)] public static partial int pl_tensor_detach(TensorHandle t, out nint result);

    [LibraryImport(Lib)] public static partial int pl_add(TensorHandle a, TensorHandle b, out nint result);
    [LibraryImport(Lib)] public static partial int pl_sub(TensorHandle a, TensorHandle b, out nint result);
    [LibraryImport(Lib)] public static partial int pl_mul(TensorHandle a, TensorHandle b, out nint result);
    [LibraryImport(Lib)] public static partial int pl_matmul(TensorHandle a, TensorHandle b, out nint result);
    [LibraryImport(Lib)] public static partial int pl_reshape(TensorHandle a, long* shape, int ndim, out nint result);
    [LibraryImport(Lib)]
    public static partial int pl_conv2d(TensorHandle x, TensorHandle w, nint bias, int sh, int sw, int ph, int pw, int dh, int dw, int groups, out nint result);

    [LibraryImport(Lib)] public static partial int pl_tensor_copy_from(TensorHandle t, void* source, long bytes);
    [LibraryImport(Lib)] public static partial int pl_add_scalar_(TensorHandle t, double s);
    [LibraryImport(Lib)]
    public static partial int pl_batch_norm(TensorHandle x, nint w, nint b, nint mean, nint var, int training, double momentum, double eps, out nint result);
    [LibraryImport(Lib)] public static partial int pl_layer_norm(TensorHandle x, long* shape, int ndim, nint w, nint b, double eps, out nint result);
    [LibraryImport(Lib)]
    public static partial int pl_conv_transpose2d(TensorHandle x, TensorHandle w, nint b, int stride, int pad, int outputPad, int groups, int dilation, out nint result);
    [LibraryImport(Lib)] public static partial int pl_max_pool2d(TensorHandle x, int kernel, int stride, int pad, out nint result);
    [LibraryImport(Lib)] public static partial int pl_softmax(TensorHandle x, int dim, out nint result);

    [LibraryImport(Lib)]
    public static partial int pl_sgd_step(TensorHandle p, TensorHandle grad, nint buffer, double lr, double momentum, double weightDecay, int nesterov, int first);
    [LibraryImport(Lib)]
    public static partial int pl_adam_step(TensorHandle p, TensorHandle grad, TensorHandle m, TensorHandle v, long step, double lr, double beta1, double beta2, double eps, double weightDecay);
    [LibraryImport(Lib)]
    public static partial int pl_rmsprop_step(TensorHandle p, TensorHandle grad, TensorHandle square, double lr, double alpha, double eps, double weightDecay);
    [LibraryImport(Lib)] public static partial int pl_zeros_like(TensorHandle t, out nint result);

    public static string Utf8(byte* s) => s == null ? "" : Marshal.PtrToStringUTF8((nint)s) ?? "";
}

/// <summary>Owns one libtorch tensor handle (an at::Tensor allocated by the shim).</summary>
internal sealed class TensorHandle : SafeHandle
{
    public TensorHandle() : base(0, ownsHandle: true) { }
    public TensorHandle(nint handle) : base(0, ownsHandle: true) => SetHandle(handle);
    public override bool IsInvalid => handle == 0;
    protected override bool ReleaseHandle() { TorchNative.pl_tensor_free(handle); return true; }
}
