using PoseLive.Cli;

namespace PoseLive.Tests.TestSupport;

/// <summary>Runs `poselive` in-process and captures its exit code, standard output and error.</summary>
internal static class CliRunner
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = PoseLiveCli.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs `poselive` in a child process with no GL driver Mesa can find (no display either): exit code and standard error.</summary>
    public static async Task<(int Code, string Err)> RunWithoutGlAsync(params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "poselive.dll"), .. args])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["LIBGL_DRIVERS_PATH"] = "/nonexistent";
        psi.Environment.Remove("DISPLAY");
        using var p = System.Diagnostics.Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await err);
    }
}
