using PoseLive.Interop.Ort;

namespace PoseLive.Inference;

/// <summary>Where a session runs.</summary>
public enum ExecutionProvider
{
    /// <summary>CUDA when the loaded runtime has it, else CPU.</summary>
    Auto,
    Cpu,
    /// <summary>CUDA; fails with a clear message when the loaded runtime has no CUDA provider.</summary>
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

    /// <summary>The provider this session will actually use; throws if CUDA was demanded but is absent.</summary>
    public ExecutionProvider ResolveProvider()
    {
        if (Provider == ExecutionProvider.Cpu) return ExecutionProvider.Cpu;
        if (OnnxRuntime.CudaUsable) return ExecutionProvider.Cuda;
        if (Provider == ExecutionProvider.Auto) return ExecutionProvider.Cpu;
        var why = OnnxRuntime.AvailableProviders.Contains(OrtSessionNative.CudaProvider)
            ? "it lists CUDAExecutionProvider but libonnxruntime_providers_cuda.so is not beside it"
            : $"it provides only {string.Join(", ", OnnxRuntime.AvailableProviders)}";
        throw new ExecutionProviderUnavailableException(
            $"The CUDA execution provider is not available in the loaded ONNX Runtime {OnnxRuntime.Version} ({OnnxRuntime.LibraryPath}): {why}. " +
            $"Use the CPU provider, or point {OrtLibrary.PathVariable} at an ONNX Runtime build with its CUDA provider libraries.");
    }
}
