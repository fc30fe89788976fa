using PoseLive.Interop.Ort;

namespace PoseLive.Inference;

/// <summary>Facts about the ONNX Runtime PoseLive loaded (loads it on first use).</summary>
public static class OnnxRuntime
{
    private static readonly Lazy<IReadOnlyList<string>> s_providers = new(OrtRuntimeInfo.AvailableProviders);

    /// <summary>Loads the runtime now; throws <see cref="OnnxRuntimeNotFoundException"/> with a fix hint if it can't.</summary>
    public static void EnsureLoaded() => _ = OrtEnvironment.Env;

    /// <summary>Runtime version, e.g. 1.30.0.</summary>
    public static string Version => OrtLibrary.Loaded.Version;

    /// <summary>The file the runtime was loaded from.</summary>
    public static string LibraryPath => OrtLibrary.Loaded.Path;

    /// <summary>Build description (git commit, build type).</summary>
    public static string BuildInfo => OrtRuntimeInfo.BuildInfo;

    /// <summary>
    /// Execution providers the loaded runtime lists, e.g. CPUExecutionProvider. A listed GPU provider
    /// may still lack its provider library: see <see cref="CudaUsable"/>.
    /// </summary>
    public static IReadOnlyList<string> AvailableProviders => s_providers.Value;

    /// <summary>
    /// Whether CUDA can actually be used: listed by the runtime and its provider library
    /// (libonnxruntime_providers_cuda.so) present beside the loaded runtime. The npm build lists CUDA
    /// but ships without that library.
    /// </summary>
    public static bool CudaUsable => AvailableProviders.Contains(OrtSessionNative.CudaProvider) &&
        File.Exists(Path.Combine(Path.GetDirectoryName(LibraryPath) ?? ".", "libonnxruntime_providers_cuda.so"));

    /// <summary>Where the loader looks, in order.</summary>
    public static IReadOnlyList<string> SearchPaths => OrtLibrary.Candidates();
}
