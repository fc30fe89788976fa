using System.Runtime.InteropServices;
using PoseLive.Inference;

namespace PoseLive.Interop.Ort;

/// <summary>
/// Finds and loads <c>libonnxruntime.so.1</c> and binds its function table. Search order:
/// <c>POSELIVE_ORT_LIB</c> (a file), then the project's dependency folder <c>deps/onnxruntime/</c>
/// (looked for beside the application and in its parent folders, or under <c>POSELIVE_DEPS</c>),
/// then the system loader. Loading happens once per process.
/// </summary>
internal static unsafe class OrtLibrary
{
    public const string FileName = "libonnxruntime.so.1";
    public const string PathVariable = "POSELIVE_ORT_LIB";
    public const string DepsVariable = "POSELIVE_DEPS";

    private static readonly Lazy<LoadedLibrary> s_loaded = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    public sealed record LoadedLibrary(nint Handle, string Path, string Version, nint Table);

    /// <summary>The loaded library; throws <see cref="OnnxRuntimeNotFoundException"/> when it can't be loaded.</summary>
    public static LoadedLibrary Loaded => s_loaded.Value;

    /// <summary>Candidate paths in search order (for loading and for error messages).</summary>
    public static IReadOnlyList<string> Candidates()
    {
        var list = new List<string>();
        var env = Environment.GetEnvironmentVariable(PathVariable);
        if (!string.IsNullOrWhiteSpace(env)) { list.Add(env); return list; } // an explicit override is the only candidate
        var deps = Environment.GetEnvironmentVariable(DepsVariable);
        if (!string.IsNullOrWhiteSpace(deps)) list.Add(System.IO.Path.Combine(deps, "onnxruntime", FileName));
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            list.Add(System.IO.Path.Combine(dir.FullName, "deps", "onnxruntime", FileName));
        list.Add(FileName); // system loader (ld.so.cache, LD_LIBRARY_PATH)
        return list;
    }

    private static LoadedLibrary Load()
    {
        var tried = new List<string>();
        var explicitPath = Environment.GetEnvironmentVariable(PathVariable);
        foreach (var candidate in Candidates())
        {
            bool isBareName = candidate == FileName && string.IsNullOrWhiteSpace(explicitPath);
            if (!isBareName && !File.Exists(candidate)) { tried.Add($"{candidate} (not found)"); continue; }
            if (!NativeLibrary.TryLoad(candidate, out var handle)) { tried.Add($"{candidate} (could not be loaded)"); continue; }
            if (!NativeLibrary.TryGetExport(handle, "OrtGetApiBase", out var getApiBase))
            {
                tried.Add($"{candidate} (no OrtGetApiBase export: not ONNX Runtime)");
                NativeLibrary.Free(handle);
                continue;
            }
            var apiBase = ((delegate* unmanaged<OrtApiBase*>)getApiBase)();
            var version = Marshal.PtrToStringUTF8((nint)apiBase->GetVersionString()) ?? "?";
            var table = apiBase->GetApi(OrtApi.Version);
            if (table is null)
                throw new OnnxRuntimeNotFoundException(
                    $"ONNX Runtime at {candidate} is version {version}, which does not provide C API version {OrtApi.Version}. " +
                    "Run scripts/setup.sh to install ONNX Runtime 1.30.");
            var path = isBareName ? ResolveLoadedPath(handle) ?? candidate : System.IO.Path.GetFullPath(candidate);
            return new LoadedLibrary(handle, path, version, (nint)table);
        }
        throw new OnnxRuntimeNotFoundException(
            $"ONNX Runtime ({FileName}) could not be loaded. Tried: {string.Join("; ", tried.Append($"{FileName} via the system loader (not found)"))}. " +
            $"Fix: run scripts/setup.sh (installs it into deps/onnxruntime/), or set {PathVariable} to the library file.");
    }

    // For a library found by the system loader, report where it actually came from.
    private static string? ResolveLoadedPath(nint handle)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/maps"))
                if (line.EndsWith(FileName, StringComparison.Ordinal) || line.Contains("libonnxruntime.so", StringComparison.Ordinal))
                    return line[(line.IndexOf('/'))..];
        }
        catch (IOException) { }
        return null;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct OrtApiBase
    {
        public delegate* unmanaged<uint, nint*> GetApi;
        public delegate* unmanaged<byte*> GetVersionString;
    }
}
