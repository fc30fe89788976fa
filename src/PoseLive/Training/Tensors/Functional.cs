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

    /// <summary>Mean squared error over all elements.</summary>
    public static Tensor MseLoss(Tensor prediction, Tensor target)
    {
        TorchError.Check(TorchNative.pl_mse_loss(prediction.Handle, target.Handle, out var r), "mse_loss");
        return new Tensor(new TensorHandle(r));
    }

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
}
