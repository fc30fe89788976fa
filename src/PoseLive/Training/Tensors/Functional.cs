using PoseLive.Interop.Torch;

namespace PoseLive.Training.Tensors;

/// <summary>Stateless network operations (torch.nn.functional), differentiable through libtorch's autograd.</summary>
public static class Functional
{
    /// <summary>2-D convolution of NCHW <paramref name="input"/> with OIHW <paramref name="weight"/>; groups = C for depthwise.</summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int dilation = 1, int groups = 1)
    {
        TorchError.Check(TorchNative.pl_conv2d(input.Handle, weight.Handle, bias?.Handle.DangerousGetHandle() ?? 0,
            stride, stride, padding, padding, dilation, dilation, groups, out var r), "conv2d");
        GC.KeepAlive(bias);
        return new Tensor(new TensorHandle(r));
    }

    /// <summary>2-D convolution with separate vertical and horizontal stride, padding and dilation.</summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, (int H, int W) stride, (int H, int W) padding, (int H, int W) dilation, int groups)
    {
        TorchError.Check(TorchNative.pl_conv2d(input.Handle, weight.Handle, bias?.Handle.DangerousGetHandle() ?? 0,
            stride.H, stride.W, padding.H, padding.W, dilation.H, dilation.W, groups, out var r), "conv2d");
        GC.KeepAlive(bias);
        return new Tensor(new TensorHandle(r));
    }

    /// <summary>Mean squared error (torch.nn.functional.mse_loss).</summary>
    public static Tensor MseLoss(Tensor prediction, Tensor target, Reduction reduction = Reduction.Mean) =>
        Tensor.Take(TorchNative.pl_mse_loss(prediction.Handle, target.Handle, (int)reduction, out var r), r, "mse_loss");

    /// <summary>Mean absolute error (torch.nn.functional.l1_loss).</summary>
    public static Tensor L1Loss(Tensor prediction, Tensor target, Reduction reduction = Reduction.Mean) =>
        Tensor.Take(TorchNative.pl_l1_loss(prediction.Handle, target.Handle, (int)reduction, out var r), r, "l1_loss");

    /// <summary>Transposed 2-D convolution; weight layout [in, out/groups, kH, kW] as in PyTorch.</summary>
    public static Tensor ConvTranspose2d(Tensor input, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int outputPadding = 0, int groups = 1, int dilation = 1)
    {
        var r = Tensor.Take(TorchNative.pl_conv_transpose2d(input.Handle, weight.Handle, Tensor.OptionalHandle(bias), stride, padding, outputPadding, groups, dilation, out var h), h, "conv_transpose2d");
        GC.KeepAlive(bias);
        return r;
    }

    /// <summary>Batch normalisation over N,H,W per channel; in training mode the running statistics are updated in place.</summary>
    public static Tensor BatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight, Tensor? bias, bool training, double momentum = 0.1, double eps = 1e-5)
    {
        var r = Tensor.Take(TorchNative.pl_batch_norm(input.Handle, Tensor.OptionalHandle(weight), Tensor.OptionalHandle(bias),
            Tensor.OptionalHandle(runningMean), Tensor.OptionalHandle(runningVar), training ? 1 : 0, momentum, eps, out var h), h, "batch_norm");
        GC.KeepAlive(weight); GC.KeepAlive(bias); GC.KeepAlive(runningMean); GC.KeepAlive(runningVar);
        return r;
    }

    /// <summary>Layer normalisation over the trailing <paramref name="normalizedShape"/> dimensions.</summary>
    public static Tensor LayerNorm(Tensor input, long[] normalizedShape, Tensor? weight, Tensor? bias, double eps = 1e-5)
    {
        var r = new Tensor(TorchCalls.LayerNorm(input.Handle, normalizedShape, Tensor.OptionalHandle(weight), Tensor.OptionalHandle(bias), eps));
        GC.KeepAlive(weight); GC.KeepAlive(bias);
        return r;
    }

    public static Tensor MaxPool2d(Tensor input, int kernel, int stride, int padding = 0) =>
        Tensor.Take(TorchNative.pl_max_pool2d(input.Handle, kernel, stride, padding, out var h), h, "max_pool2d");

    /// <summary>Nearest-neighbour resize of NCHW to <paramref name="height"/>×<paramref name="width"/> (PyTorch's legacy nearest: floor(dst·in/out)).</summary>
    public static Tensor UpsampleNearest(Tensor input, long height, long width) =>
        Tensor.Take(TorchNative.pl_upsample_nearest2d(input.Handle, height, width, out var r), r, "upsample_nearest2d");

    /// <summary>Nearest-neighbour upsampling by an integer factor (nn.Upsample(scale_factor=f, mode='nearest')).</summary>
    public static Tensor UpsampleNearest(Tensor input, int scale)
    {
        var s = input.Shape;
        return UpsampleNearest(input, s[^2] * scale, s[^1] * scale);
    }

    /// <summary>Bilinear resize of NCHW (F.interpolate mode='bilinear').</summary>
    public static Tensor UpsampleBilinear(Tensor input, long height, long width, bool alignCorners = false) =>
        Tensor.Take(TorchNative.pl_upsample_bilinear2d(input.Handle, height, width, alignCorners ? 1 : 0, out var r), r, "upsample_bilinear2d");

    public static Tensor AvgPool2d(Tensor input, int kernel, int stride, int padding = 0, bool ceilMode = false, bool countIncludePad = true) =>
        Tensor.Take(TorchNative.pl_avg_pool2d(input.Handle, kernel, stride, padding, ceilMode ? 1 : 0, countIncludePad ? 1 : 0, out var r), r, "avg_pool2d");

    public static Tensor AdaptiveAvgPool2d(Tensor input, long height, long width) =>
        Tensor.Take(TorchNative.pl_adaptive_avg_pool2d(input.Handle, height, width, out var r), r, "adaptive_avg_pool2d");
}

/// <summary>How a loss reduces its elementwise values (codes shared with the shim).</summary>
public enum Reduction { None = 0, Mean = 1, Sum = 2 }
