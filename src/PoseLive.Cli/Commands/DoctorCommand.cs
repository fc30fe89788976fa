using System.CommandLine;
using System.Text.Json;
using PoseLive.Diagnostics;

namespace PoseLive.Cli.Commands;

/// <summary>`poselive doctor`: reports every native dependency, with a fix hint for anything missing.</summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        var command = new Command("doctor", "Check native dependencies: ONNX Runtime, FFmpeg, OpenGL (EGL), libtorch and BLAS.") { json };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var checks = DependencyReport.Run();
            if (parse.GetValue(json))
            {
                output.WriteLine(JsonSerializer.Serialize(checks.Select(c => new { name = c.Name, status = c.Status.ToString().ToLowerInvariant(), detail = c.Detail, fix = c.Fix }),
                    new JsonSerializerOptions { WriteIndented = true }));
            }
            else
            {
                output.WriteLine($"PoseLive {ThisAssembly.Version}");
                foreach (var c in checks)
                {
                    var mark = c.Status switch { CheckStatus.Ok => "ok  ", CheckStatus.Warning => "warn", _ => "MISSING" };
                    output.WriteLine($"  [{mark}] {c.Name,-12} {c.Detail}");
                    if (c.Fix is not null && c.Status != CheckStatus.Ok) output.WriteLine($"         fix: {c.Fix}");
                }
            }
            return checks.Any(c => c.Status == CheckStatus.Missing) ? PoseLiveCli.ExitFailure : PoseLiveCli.ExitOk;
        });
        return command;
    }
}
