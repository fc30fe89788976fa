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
/// Checks every native dependency PoseLive uses: ONNX Runtime (version, providers), FFmpeg (library
/// versions), OpenGL through EGL (renderer), libtorch and the BLAS behind it. Never throws: a failed
/// check is reported with a fix hint.
/// </summary>
public static class DependencyReport
{
    private const string SetupHint = "run scripts/setup.sh (installs every Debian package listed in scripts/debian-packages.txt)";

    public static IReadOnlyList<DependencyCheck> Run() =>
        [CheckOnnxRuntime(), CheckFfmpeg(), CheckOpenGl(), CheckLibtorch(), CheckBlas()];

    public static DependencyCheck CheckOnnxRuntime()
    {
        try
        {
            OnnxRuntime.EnsureLoaded();
            return new("onnxruntime", CheckStatus.Ok,
                $"{OnnxRuntime.Version} from {OnnxRuntime.LibraryPath}; providers listed: {string.Join(", ", OnnxRuntime.AvailableProviders)}; " +
                (OnnxRuntime.CudaUsable ? "CUDA usable" : "CUDA not usable (no libonnxruntime_providers_cuda.so): CPU only"));
        }
        catch (Exception e) when (e is OnnxRuntimeNotFoundException or OnnxRuntimeException)
        {
            return new("onnxruntime", CheckStatus.Missing, e.Message, "run scripts/setup.sh (fetches onnxruntime-node@1.30.0 from npm into deps/onnxruntime/)");
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
