using System.Runtime.InteropServices;
using PoseLive.Diagnostics;

namespace PoseLive.Interop.Av;

/// <summary>Routes FFmpeg's av_log into <see cref="Log"/> (source "ffmpeg"), once per process.</summary>
internal static unsafe class AvLog
{
    private static int s_installed;

    public static void Install()
    {
        if (Interlocked.Exchange(ref s_installed, 1) != 0) return;
        AvNative.pl_av_set_log(&OnLog, AvNative.AV_LOG_WARNING);
    }

    [UnmanagedCallersOnly]
    private static void OnLog(int level, byte* line)
    {
        var mapped = level <= AvNative.AV_LOG_ERROR ? LogLevel.Error : level <= AvNative.AV_LOG_WARNING ? LogLevel.Warning : LogLevel.Info;
        if (mapped < Log.MinimumLevel) return;
        Log.Write(mapped, "ffmpeg", Marshal.PtrToStringUTF8((nint)line) ?? "");
    }
}
