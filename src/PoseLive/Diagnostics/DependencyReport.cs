using PoseLive.Inference;
using PoseLive.Interop.Av;
using PoseLive.Interop.Egl;
using PoseLive.Interop.Torch;

namespace PoseLive.Diagnostics;

/// <summary>Outcome of one dependency check.</summary>
public enum CheckStatus { Ok, Warning, Missing }

/// <summary>One native dependency: what was found, and how to fix it when it wasn't.</summary>
public sealed record DependencyCheck(string Name, CheckStatus Status, string Detail, string? Fix = null);

/// <summary>
/// Checks every native dependency PoseLive uses: ONNX Runtime (version, where it loaded from, providers), CUDA for it (optional), FFmpeg (library
/// versions), OpenGL through EGL (renderer), libtorch and the BLAS behind it. Never throws: a failed
/// check is reported with a fix hint.
/// </summary>
public static class DependencyReport
{
    private const string SetupHint = "run scripts/setup.sh (installs every Debian package listed in scripts/debian-packages.txt)";

    public static IReadOnlyList<DependencyCheck> Run() =>
        [CheckOnnxRuntime(), CheckCuda(), CheckFfmpeg(), CheckOpenGl(), CheckLibtorch(), CheckBlas()];

    public static DependencyCheck CheckOnnxRuntime()
    {
        try
        {
            OnnxRuntime.EnsureLoaded();
            return new("onnxruntime", CheckStatus.Ok,
                $"{OnnxRuntime.Version} from {OnnxRuntime.LibraryPath}; providers: {string.Join(", ", OnnxRuntime.AvailableProviders)}");
        }
        catch (Exception e) when (e is OnnxRuntimeNotFoundException or OnnxRuntimeException)
        {
            var detail = e.Message.Split(" Fix: ")[0];
            return new("onnxruntime", CheckStatus.Missing, detail, "run scripts/setup.sh (NuGet restores Microsoft.ML.OnnxRuntime 1.31.1 beside the application)");
        }
    }

    /// <summary>CUDA for ONNX Runtime (optional): the GPU build's provider library and each CUDA library it loads, found or missing.</summary>
    public static DependencyCheck CheckCuda()
    {
        try
        {
            var cuda = CudaSupport.Current;
            var libraries = string.Join(", ", cuda.Libraries.Select(l => $"{l.Name} {(l.Found ? "found" : "missing")}"));
            var provider = cuda.ProviderLibraryPath is { } p ? $"{CudaSupport.ProviderLibrary} at {p}" : $"{CudaSupport.ProviderLibrary} absent (CPU-only ONNX Runtime)";
            return cuda.Usable
                ? new("cuda", CheckStatus.Ok, $"usable: {provider}; {libraries}")
                : new("cuda", CheckStatus.Warning, $"not usable, --device auto runs on the CPU: {provider}; {libraries}",
                    "optional: scripts/setup.sh --gpu builds with Microsoft.ML.OnnxRuntime.Gpu.Linux 1.31.0, which needs CUDA 13 and cuDNN 9 (not in Debian 12)");
        }
        catch (Exception e) when (e is OnnxRuntimeNotFoundException or OnnxRuntimeException)
        {
            _ = e;
            return new("cuda", CheckStatus.Warning, "not checked: ONNX Runtime did not load");
        }
    }

    public static DependencyCheck CheckFfmpeg()
    {
        var libs = AvVersionProbe.Probe();
        var missing = libs.Where(l => l.Error is not null).ToList();
        var found = string.Join(", ", libs.Where(l => l.Version is not null).Select(l => $"{l.Name} {l.Version}"));
        var release = AvVersionProbe.ReleaseVersion();
        if (missing.Count == 0) return new("ffmpeg", CheckStatus.Ok, $"FFmpeg {release}: {found}");
        return new("ffmpeg", CheckStatus.Missing, string.Join("; ", missing.Select(m => m.Error)) + (found.Length > 0 ? $" (found: {found})" : ""),
            $"{SetupHint}: libavformat59 libavcodec59 libavutil57 libswscale6 libavdevice59");
    }

    public static DependencyCheck CheckOpenGl()
    {
        try
        {
            var r = EglGlProbe.Probe();
            return new("opengl", CheckStatus.Ok, $"EGL {r.EglVersion}, {r.Renderer} ({r.Vendor}), {r.GlVersion}");
        }
        catch (Exception e) when (e is Rendering.RenderingException or DllNotFoundException or EntryPointNotFoundException)
        {
            return new("opengl", CheckStatus.Missing, e.Message,
                $"{SetupHint}: libegl1 libegl-mesa0 libgl1-mesa-dri. Without a GL device, annotate still works without --render.");
        }
    }

    public static DependencyCheck CheckLibtorch()
    {
        var (found, detail) = TorchProbe.Library();
        return found
            ? new("libtorch", CheckStatus.Ok, $"{detail} loads (Debian libtorch 1.13)")
            : new("libtorch", CheckStatus.Missing, detail, $"{SetupHint}: libtorch-dev. Only `poselive finetune` needs it.");
    }

    public static DependencyCheck CheckBlas()
    {
        var blas = TorchProbe.BlasImplementation();
        if (blas is null) return new("blas", CheckStatus.Missing, "libblas.so.3 alternative not set", $"{SetupHint}: libopenblas0-openmp");
        return blas.Contains("openblas", StringComparison.Ordinal)
            ? new("blas", CheckStatus.Ok, blas)
            : new("blas", CheckStatus.Warning, $"{blas} (reference BLAS: transposed convolutions train ~15x slower)",
                "apt-get install libopenblas0-openmp, or: update-alternatives --config libblas.so.3-x86_64-linux-gnu");
    }
}
