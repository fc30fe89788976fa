using System.Reflection;
using System.Runtime.InteropServices;

namespace PoseLive.Interop;

/// <summary>
/// Resolves PoseLive's own native shims (built by CMake into native/build/ during setup) for
/// [LibraryImport]: <c>POSELIVE_NATIVE_DIR</c>, then beside the application, then native/build/&lt;shim&gt;/
/// in the application's folder or any parent folder. One resolver serves the whole assembly.
/// </summary>
internal static class NativeShims
{
    public const string Av = "poselive_av";
    public const string Torch = "poselive_torch";
    public const string NativeDirVariable = "POSELIVE_NATIVE_DIR";

    private static readonly Dictionary<string, string> s_subfolders = new(StringComparer.Ordinal) { [Av] = "avshim", [Torch] = "torchshim" };

    private static int s_registered;

    /// <summary>Installs the resolver (idempotent); called by each shim's binding class before its first call.</summary>
    internal static void EnsureRegistered()
    {
        if (Interlocked.Exchange(ref s_registered, 1) == 0)
            NativeLibrary.SetDllImportResolver(typeof(NativeShims).Assembly, Resolve);
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (!s_subfolders.TryGetValue(name, out var sub)) return 0; // not ours: default probing
        foreach (var candidate in Candidates(name, sub))
            if (File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out var handle)) return handle;
        throw new DllNotFoundException(
            $"PoseLive's native shim lib{name}.so was not found (looked in: {string.Join(", ", Candidates(name, sub))}). " +
            $"Run scripts/setup.sh to build it, or set {NativeDirVariable} to the folder that holds it.");
    }

    private static IEnumerable<string> Candidates(string name, string sub)
    {
        var file = $"lib{name}.so";
        var env = Environment.GetEnvironmentVariable(NativeDirVariable);
        if (!string.IsNullOrWhiteSpace(env)) yield return Path.Combine(env, file);
        yield return Path.Combine(AppContext.BaseDirectory, file);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            yield return Path.Combine(dir.FullName, "native", "build", sub, file);
    }
}
