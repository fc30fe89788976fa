using System.Runtime.InteropServices;

namespace PoseLive.Interop.Posix;

/// <summary>libc's kill(2), so a launcher can pass Ctrl-C / SIGTERM on to the processes it started (.NET can only SIGKILL them).</summary>
internal static partial class PosixNative
{
    private const string Lib = "libc.so.6";
    public const int SigInt = 2;
    public const int SigTerm = 15;

    [LibraryImport(Lib, EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    /// <summary>Sends <paramref name="signal"/> to process <paramref name="pid"/>; false when it could not (it has gone, or another user's).</summary>
    public static bool Signal(int pid, int signal) => Kill(pid, signal) == 0;
}
