using System.Runtime.CompilerServices;
using PoseLive.Training.Tensors;

namespace PoseLive.Interop.Torch;

/// <summary>The one place a libposelive_torch failure becomes a <see cref="TorchException"/> with libtorch's message.</summary>
internal static unsafe class TorchError
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Check(int code, string operation)
    {
        if (code != 0) Throw(operation);
    }

    /// <summary>Checks the call and takes ownership of the tensor it produced.</summary>
    public static TensorHandle Take(int code, nint result, string operation)
    {
        Check(code, operation);
        return new TensorHandle(result);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Throw(string operation) =>
        throw new TorchException($"libtorch {operation} failed: {TorchNative.Utf8(TorchNative.pl_torch_last_error())}");
}
