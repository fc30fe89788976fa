using System.CommandLine;
using PoseLive.Cli.Commands;

namespace PoseLive.Cli;

/// <summary>
/// The `poselive` command line. Exit codes: 0 success, 1 runtime failure (bad input, missing dependency,
/// failed run: the message names the file and the problem), 2 usage error (unknown verb or option,
/// missing argument).
/// </summary>
public static class PoseLiveCli
{
    public const int ExitOk = 0;
    public const int ExitFailure = 1;
    public const int ExitUsage = 2;

    public static RootCommand Build()
    {
        var root = new RootCommand("PoseLive: real-time video pose tracking (detect, estimate, track, smooth, render, annotate).\n" +
            "Live window on a camera: poselive --camera N (the same as: poselive run --window --camera N).")
        {
            DoctorCommand.Create(),
            GpuCheckCommand.Create(),
            ProbeCommand.Create(),
            EvalCommand.Create(),
            ModelsCommand.Create(),
            PoseCommand.Create(),
            AnnotateCommand.Create(),
            RunCommand.Create(),
            MergeCommand.Create(),
            TrainBenchCommand.Create(),
            TrainCommand.Create(),
            ExportCommand.Create(),
            DatasetCommand.Create(),
            SynthCommand.Create(),
            SynthCheckCommand.Create(),
            FinetuneCommand.Create(),
        };
        // --version prints PoseLive's version (the default reads the entry assembly, wrong when hosted).
        foreach (var option in root.Options.OfType<VersionOption>()) option.Action = new PrintVersion();
        return root;
    }

    private sealed class PrintVersion : System.CommandLine.Invocation.SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(ThisAssembly.Version);
            return ExitOk;
        }
    }

    /// <summary>Parses and runs <paramref name="args"/>; returns the process exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = Build();
        // `poselive --camera N …` is the live window on a camera: `poselive run --window --camera N …`
        if (args.Length > 0 && args[0] == "--camera") args = ["run", "--window", .. args];
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors) error.WriteLine($"poselive: error: {Commands.OptionChecks.Describe(e)}");
            error.WriteLine($"Try 'poselive {(args.Length > 0 && !args[0].StartsWith('-') ? args[0] + " " : "")}--help'.");
            return ExitUsage;
        }
        try
        {
            // Ctrl-C / SIGTERM cancel the action's token; it then has 30 s (train: 10 min, to finish its step) to drain and flush its outputs
            // InvokeAsync, not Invoke: only the asynchronous pipeline installs System.CommandLine's SIGINT/SIGTERM handler
            // (with Invoke, Ctrl-C killed the process at once, mid-write)
            return parse.InvokeAsync(new InvocationConfiguration
            {
                EnableDefaultExceptionHandler = false, Output = output, Error = error,
                ProcessTerminationTimeout = args.Length > 0 && args[0] is "train" or "finetune" ? TimeSpan.FromMinutes(10) : TimeSpan.FromSeconds(30), // a big net's training step can take a minute
            }).GetAwaiter().GetResult();
        }
        catch (Commands.UsageException e)
        {
            error.WriteLine($"poselive: error: {e.Message}");
            error.WriteLine($"Try 'poselive {args[0]} --help'.");
            return ExitUsage;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("poselive: cancelled.");
            return ExitFailure;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            while (e is TypeInitializationException { InnerException: { } inner }) e = inner; // a native library that failed to load says why
            error.WriteLine($"poselive: error: {e.Message}");
            return ExitFailure;
        }
    }
}
