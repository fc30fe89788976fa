using System.CommandLine;
using PoseLive.Inference;

namespace PoseLive.Cli.Commands;

/// <summary>
/// <c>--device cpu|cuda[:N]|auto</c>, shared by the commands that run networks. Checked at parse time (a bad value is a
/// usage error); <c>auto</c> says in one line when it falls back to the CPU and why; an explicit <c>cuda</c> that
/// cannot be met fails before any work starts, naming what is missing.
/// </summary>
internal static class DeviceOption
{
    public static Option<string> Create()
    {
        var option = new Option<string>("--device")
        {
            Description = "Where the networks run: cpu, cuda, cuda:N, or auto (CUDA when usable, else the CPU).",
            DefaultValueFactory = _ => "auto",
        };
        option.Validators.Add(result =>
        {
            try { InferenceOptions.ParseDevice(OptionChecks.Get<string>(result) ?? ""); }
            catch (FormatException e) { result.AddError($"--device: {e.Message}"); }
        });
        return option;
    }

    /// <summary>
    /// <paramref name="options"/> on the device the user chose; resolves it now, so `--device cuda` without CUDA fails
    /// here and `auto` prints its one notice line (to <paramref name="notices"/>).
    /// </summary>
    public static InferenceOptions Apply(ParseResult parse, Option<string> option, InferenceOptions options, TextWriter notices)
    {
        var (provider, id) = InferenceOptions.ParseDevice(parse.GetValue(option) ?? "auto");
        var chosen = options.OnDevice(provider, id);
        var resolved = chosen.ResolveProvider();
        if (provider == ExecutionProvider.Auto && resolved == ExecutionProvider.Cpu)
            notices.WriteLine($"poselive: device auto: running on the CPU (CUDA not usable: {CudaSupport.Current.Summary}; see poselive doctor)");
        return chosen.OnDevice(resolved, id);
    }

    /// <summary>How a resolved provider is shown in summaries: "CPU" or "CUDA:0".</summary>
    public static string Describe(ExecutionProvider provider, int deviceId) =>
        provider == ExecutionProvider.Cuda ? $"CUDA:{deviceId}" : "CPU";
}
