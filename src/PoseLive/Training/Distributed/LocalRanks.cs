using System.Diagnostics;
using PoseLive.Interop.Posix;

namespace PoseLive.Training.Distributed;

/// <summary>What the `--nproc N` launcher does to the rank processes it started.</summary>
public static class LocalRanks
{
    /// <summary>
    /// Interrupts a rank as Ctrl-C would (SIGINT): it finishes its step, writes last.pth and exits, so a launcher stopped
    /// with SIGTERM or Ctrl-C (a scheduler's cancel, `kill`, `timeout`) leaves no rank running and nothing half written.
    /// False when the rank had already exited.
    /// </summary>
    public static bool Interrupt(Process rank) => !rank.HasExited && PosixNative.Signal(rank.Id, PosixNative.SigInt);
}
