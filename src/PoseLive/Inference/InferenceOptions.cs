using System.Globalization;
using PoseLive.Diagnostics;

namespace PoseLive.Inference;

/// <summary>Where a session runs.</summary>
public enum ExecutionProvider
{
    /// <summary>CUDA when it is usable here, else CPU (with one notice saying why).</summary>
    Auto,
    Cpu,
    /// <summary>CUDA; fails with a message naming what is missing when it is not usable.</summary>
    Cuda,
}

/// <summary>ORT's GraphOptimizationLevel.</summary>
public enum GraphOptimization { Disabled = 0, Basic = 1, Extended = 2, All = 99 }

/// <summary>Session settings. Zero thread counts leave ORT's defaults (one per physical core).</summary>
public sealed record InferenceOptions
{
    public int IntraOpThreads { get; init; }
    public int InterOpThreads { get; init; }
    public bool ParallelExecution { get; init; }
    public GraphOptimization GraphOptimization { get; init; } = GraphOptimization.All;
    public ExecutionProvider Provider { get; init; } = ExecutionProvider.Cpu;
    public int CudaDeviceId { get; init; }
    /// <summary>
    /// Whether idle intra-op threads spin-wait for work (ORT's default: lowest latency for one session).
    /// Turn off when several sessions share the cores, as the pipeline's stages do.
    /// </summary>
    public bool AllowSpinning { get; init; } = true;

    public static InferenceOptions Default { get; } = new();

    private static int s_fallbackNoticed;

    /// <summary>
    /// Parses a <c>--device</c> value: <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c> or <c>auto</c>.
    /// </summary>
    /// <exception cref="FormatException">Anything else, with the accepted forms in the message.</exception>
    public static (ExecutionProvider Provider, int DeviceId) ParseDevice(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t == "cpu") return (ExecutionProvider.Cpu, 0);
        if (t == "auto") return (ExecutionProvider.Auto, 0);
        if (t == "cuda") return (ExecutionProvider.Cuda, 0);
        if (t.StartsWith("cuda:", StringComparison.Ordinal) &&
            int.TryParse(t.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out int id) && id >= 0 && id < 64)
            return (ExecutionProvider.Cuda, id);
        throw new FormatException($"'{text}' is not a device: use cpu, cuda, cuda:N (N = 0, 1, …) or auto.");
    }

    /// <summary>These options on the given device.</summary>
    public InferenceOptions OnDevice(ExecutionProvider provider, int deviceId) => this with { Provider = provider, CudaDeviceId = deviceId };

    /// <summary>The device as <c>--device</c> spells it.</summary>
    public string DeviceText => Provider switch
    {
        ExecutionProvider.Cpu => "cpu",
        ExecutionProvider.Cuda => CudaDeviceId == 0 ? "cuda" : $"cuda:{CudaDeviceId}",
        _ => "auto",
    };

    /// <summary>
    /// The provider this session will actually use. <see cref="ExecutionProvider.Auto"/> falls back to the CPU,
    /// logging why once per process; an explicit CUDA request that cannot be met throws.
    /// </summary>
    /// <exception cref="ExecutionProviderUnavailableException">CUDA was demanded and is not usable; the message lists what is missing.</exception>
    public ExecutionProvider ResolveProvider()
    {
        if (Provider == ExecutionProvider.Cpu) return ExecutionProvider.Cpu;
        var cuda = CudaSupport.Current;
        if (cuda.Usable) return ExecutionProvider.Cuda;
        if (Provider == ExecutionProvider.Auto)
        {
            if (Interlocked.Exchange(ref s_fallbackNoticed, 1) == 0)
                Log.Info("device", $"auto: running on the CPU, because CUDA is not usable: {cuda.Reason}.");
            return ExecutionProvider.Cpu;
        }
        throw new ExecutionProviderUnavailableException($"--device {DeviceText}: the CUDA execution provider is not available: {cuda.Reason}.");
    }
}
