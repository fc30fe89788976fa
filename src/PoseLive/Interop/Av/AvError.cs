using System.Runtime.CompilerServices;
using PoseLive.Media;

namespace PoseLive.Interop.Av;

/// <summary>The one place a libposelive_av return code becomes a <see cref="MediaException"/> with FFmpeg's message.</summary>
internal static unsafe class AvError
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Check(int code, string subject)
    {
        if (code < 0) Throw(code, subject);
        return code;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Throw(int code, string subject) =>
        throw new MediaException(subject, AvNative.Utf8(AvNative.pl_av_last_error()), code);
}
