using System.Runtime.InteropServices;

namespace PoseLive.Inference;

/// <summary>One library the CUDA execution provider needs at run time, and whether the system loader finds it.</summary>
public sealed record CudaLibrary(string Name, string Purpose, bool Found);

/// <summary>
/// Whether ONNX Runtime can run on CUDA here, and if not exactly why. The GPU build of ONNX Runtime 1.31
/// (Microsoft.ML.OnnxRuntime.Gpu.Linux, opt-in: <c>scripts/setup.sh --gpu</c>) lists CUDAExecutionProvider
/// and ships libonnxruntime_providers_cuda.so, which loads the CUDA 13 and cuDNN 9 libraries below from the
/// system. Checked once per process.
/// </summary>
public sealed class CudaSupport
{
    public const string ProviderLibrary = "libonnxruntime_providers_cuda.so";

    /// <summary>
    /// What libonnxruntime_providers_cuda.so 1.31.0 needs: its DT_NEEDED entries outside the C/C++ runtime (readelf -d),
    /// and cuDNN 9, which ORT's CUDA provider requires and loads at run time.
    /// </summary>
    public static readonly IReadOnlyList<(string Name, string Purpose)> Requirements =
    [
        ("libcuda.so.1", "NVIDIA driver"),
        ("libcudart.so.13", "CUDA 13 runtime"),
        ("libcublas.so.13", "cuBLAS 13"),
        ("libcublasLt.so.13", "cuBLASLt 13"),
        ("libcurand.so.10", "cuRAND"),
        ("libcudnn.so.9", "cuDNN 9"),
    ];

    private static readonly Lazy<CudaSupport> s_current = new(Probe);

    private CudaSupport(bool providerListed, string? providerLibraryPath, IReadOnlyList<CudaLibrary> libraries)
    {
        ProviderListed = providerListed;
        ProviderLibraryPath = providerLibraryPath;
        Libraries = libraries;
    }

    /// <summary>The check for this process.</summary>
    public static CudaSupport Current => s_current.Value;

    /// <summary>Whether the loaded ONNX Runtime was built with CUDA (the GPU package).</summary>
    public bool ProviderListed { get; }

    /// <summary>libonnxruntime_providers_cuda.so beside the runtime, or null when absent.</summary>
    public string? ProviderLibraryPath { get; }

    /// <summary>Each CUDA library the provider needs, found or missing.</summary>
    public IReadOnlyList<CudaLibrary> Libraries { get; }

    /// <summary>The libraries the system loader could not find.</summary>
    public IReadOnlyList<string> Missing => [.. Libraries.Where(l => !l.Found).Select(l => l.Name)];

    /// <summary>Whether a CUDA session can be created.</summary>
    public bool Usable => ProviderListed && ProviderLibraryPath is not null && Missing.Count == 0;

    /// <summary>One line: why CUDA cannot be used (empty when it can).</summary>
    public string Reason
    {
        get
        {
            if (Usable) return "";
            var parts = new List<string>();
            if (!ProviderListed || ProviderLibraryPath is null)
                parts.Add($"this build has the CPU-only ONNX Runtime {OnnxRuntime.Version} (no {ProviderLibrary}; build with scripts/setup.sh --gpu for the CUDA one)");
            if (Missing.Count > 0)
                parts.Add($"missing CUDA libraries: {string.Join(", ", Libraries.Where(l => !l.Found).Select(l => $"{l.Name} ({l.Purpose})"))}");
            return string.Join("; ", parts);
        }
    }

    /// <summary>A short form of <see cref="Reason"/> for notices: "CPU-only ONNX Runtime; missing libcuda.so.1, libcudart.so.13, …".</summary>
    public string Summary
    {
        get
        {
            if (Usable) return "";
            var parts = new List<string>();
            if (!ProviderListed || ProviderLibraryPath is null) parts.Add($"CPU-only ONNX Runtime {OnnxRuntime.Version}");
            if (Missing.Count > 0) parts.Add($"missing {string.Join(", ", Missing)}");
            return string.Join("; ", parts);
        }
    }

    private static CudaSupport Probe()
    {
        bool listed = OnnxRuntime.AvailableProviders.Contains(OnnxRuntime.CudaProvider);
        var beside = Path.Combine(Path.GetDirectoryName(OnnxRuntime.LibraryPath) ?? AppContext.BaseDirectory, ProviderLibrary);
        var libraries = Requirements.Select(r => new CudaLibrary(r.Name, r.Purpose, NativeLibrary.TryLoad(r.Name, out _))).ToList();
        return new CudaSupport(listed, File.Exists(beside) ? beside : null, libraries);
    }
}
