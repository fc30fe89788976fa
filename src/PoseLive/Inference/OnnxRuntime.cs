using PoseLive.Diagnostics;
using Ort = Microsoft.ML.OnnxRuntime;

namespace PoseLive.Inference;

/// <summary>
/// The ONNX Runtime PoseLive runs on: the official C# API (Microsoft.ML.OnnxRuntime.Managed) over the native
/// library NuGet restores into <c>runtimes/linux-x64/native/</c> beside the application. Creates the process-wide
/// OrtEnv once, with ORT's log routed into <see cref="Log"/> under the source "onnxruntime".
/// </summary>
public static class OnnxRuntime
{
    public const string CpuProvider = "CPUExecutionProvider";
    public const string CudaProvider = "CUDAExecutionProvider";
    private const string LibraryName = "libonnxruntime.so";

    // Kept in a static field: ORT calls it from native threads for the life of the process.
    private static readonly Ort.DOrtLoggingFunction s_logger = OnLog;
    private static readonly Lazy<Ort.OrtEnv> s_env = new(CreateEnv, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<IReadOnlyList<string>> s_providers = new(() => Env.GetAvailableProviders());

    /// <summary>The environment every session is created in; throws <see cref="OnnxRuntimeNotFoundException"/> when the runtime does not load.</summary>
    internal static Ort.OrtEnv Env => s_env.Value;

    /// <summary>Loads the runtime now; throws <see cref="OnnxRuntimeNotFoundException"/> with a fix hint if it can't.</summary>
    public static void EnsureLoaded() => _ = Env;

    /// <summary>Runtime version, e.g. 1.31.1.</summary>
    public static string Version => Env.GetVersionString();

    /// <summary>The file the native runtime was loaded from (read from the process's memory map).</summary>
    public static string LibraryPath
    {
        get
        {
            EnsureLoaded();
            try
            {
                foreach (var line in File.ReadLines("/proc/self/maps"))
                {
                    int slash = line.IndexOf('/', StringComparison.Ordinal);
                    if (slash >= 0 && Path.GetFileName(line.AsSpan(slash)).StartsWith(LibraryName, StringComparison.Ordinal)) return line[slash..];
                }
            }
            catch (IOException) { }
            return LibraryName;
        }
    }

    /// <summary>
    /// Execution providers the loaded runtime was built with, e.g. CPUExecutionProvider. A listed CUDA provider
    /// still needs the CUDA libraries at run time: see <see cref="CudaSupport"/>.
    /// </summary>
    public static IReadOnlyList<string> AvailableProviders => s_providers.Value;

    private static Ort.OrtEnv CreateEnv()
    {
        try
        {
            // ORT filters at warnings; Log.MinimumLevel does the rest.
            var options = new Ort.EnvironmentCreationOptions
            {
                logId = "poselive",
                logLevel = Ort.OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING,
                loggingFunction = s_logger,
            };
            return Ort.OrtEnv.CreateInstanceWithOptions(ref options);
        }
        catch (Exception e) when (Unwrap(e) is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            var folder = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");
            var file = Path.Combine(folder, LibraryName);
            var why = Unwrap(e) switch
            {
                EntryPointNotFoundException => $"{file} is not ONNX Runtime (it has no OrtGetApiBase export)",
                BadImageFormatException => $"{file} is not a library for this machine",
                _ => File.Exists(file) ? $"{file} did not load (a library it needs is missing?)" : $"{LibraryName} is not in {folder}",
            };
            throw new OnnxRuntimeNotFoundException(
                $"ONNX Runtime could not be loaded: {why}. Fix: run scripts/setup.sh (NuGet restores Microsoft.ML.OnnxRuntime 1.31.1 beside the application).");
        }
    }

    private static Exception Unwrap(Exception e) => e is TypeInitializationException { InnerException: { } inner } ? Unwrap(inner) : e;

    private static void OnLog(nint param, Ort.OrtLoggingLevel severity, string category, string logId, string codeLocation, string message)
    {
        var level = severity switch
        {
            Ort.OrtLoggingLevel.ORT_LOGGING_LEVEL_VERBOSE => LogLevel.Verbose,
            Ort.OrtLoggingLevel.ORT_LOGGING_LEVEL_INFO => LogLevel.Info,
            Ort.OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING => LogLevel.Warning,
            Ort.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR => LogLevel.Error,
            _ => LogLevel.Fatal,
        };
        if (level < Log.MinimumLevel) return;
        Log.Write(level, "onnxruntime", message);
    }
}
