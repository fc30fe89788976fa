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
}
