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
}
