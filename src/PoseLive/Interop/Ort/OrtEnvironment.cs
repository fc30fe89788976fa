using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PoseLive.Diagnostics;

namespace PoseLive.Interop.Ort;

/// <summary>
/// The process-wide OrtEnv (ORT allows one), created with a custom logger that routes ORT's log lines
/// into <see cref="Log"/> under the source "onnxruntime". Also owns the CPU memory info used for
/// every tensor over managed memory. Lives until process exit.
/// </summary>
internal static unsafe class OrtEnvironment
{
    private static readonly Lazy<State> s_state = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    private sealed record State(OrtEnvHandle Env, OrtMemoryInfoHandle CpuMemory, nint DefaultAllocator);

    public static OrtEnvHandle Env => s_state.Value.Env;
    public static OrtMemoryInfoHandle CpuMemory => s_state.Value.CpuMemory;
    public static nint DefaultAllocator => s_state.Value.DefaultAllocator;

    private static State Create()
    {
        _ = OrtLibrary.Loaded;
        nint env;
        var logId = "poselive"u8;
        fixed (byte* id = logId)
        {
            // ORT_LOGGING_LEVEL_WARNING (2): ORT does the first filtering, Log.MinimumLevel the rest.
            OrtStatus.Check(OrtApi.CreateEnvWithCustomLogger((nint)(delegate* unmanaged<nint, int, byte*, byte*, byte*, byte*, void>)&OnLog, 0, 2, id, &env), "creating the ONNX Runtime environment");
        }
        var envHandle = OrtHandle.Own<OrtEnvHandle>(env);
        nint mem;
        OrtStatus.Check(OrtApi.CreateCpuMemoryInfo(1 /* OrtArenaAllocator */, 0 /* OrtMemTypeDefault */, &mem), "creating CPU memory info");
        nint allocator;
        OrtStatus.Check(OrtApi.GetAllocatorWithDefaultOptions(&allocator), "getting the default allocator");
        return new State(envHandle, OrtHandle.Own<OrtMemoryInfoHandle>(mem), allocator);
    }

    [UnmanagedCallersOnly]
    private static void OnLog(nint param, int severity, byte* category, byte* logId, byte* codeLocation, byte* message)
    {
        var level = severity switch { 0 => LogLevel.Verbose, 1 => LogLevel.Info, 2 => LogLevel.Warning, 3 => LogLevel.Error, _ => LogLevel.Fatal };
        if (level < Log.MinimumLevel) return;
        Log.Write(level, "onnxruntime", Marshal.PtrToStringUTF8((nint)message) ?? "");
    }

    /// <summary>Frees a buffer ORT allocated with the default allocator (names, strings).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Free(void* p) => OrtStatus.Check(OrtApi.AllocatorFree(DefaultAllocator, p));
}
