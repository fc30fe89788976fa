using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PoseLive.Inference;

namespace PoseLive.Interop.Ort;

/// <summary>The one place an <c>OrtStatus*</c> becomes an exception (and is always released).</summary>
internal static unsafe class OrtStatus
{
    /// <summary>Throws <see cref="OnnxRuntimeException"/> with ORT's code and message when <paramref name="status"/> is not null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Check(nint status, string? context = null)
    {
        if (status != 0) Throw(status, context);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Throw(nint status, string? context)
    {
        int code;
        string message;
        try
        {
            code = OrtApi.GetErrorCode(status);
            message = Marshal.PtrToStringUTF8((nint)OrtApi.GetErrorMessage(status)) ?? "(no message)";
        }
        finally
        {
            OrtApi.ReleaseStatus(status);
        }
        throw new OnnxRuntimeException((OrtErrorCode)code, message, context);
    }
}
