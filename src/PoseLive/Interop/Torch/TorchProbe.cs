using System.Runtime.InteropServices;

namespace PoseLive.Interop.Torch;

/// <summary>Finds Debian's libtorch and the BLAS the system resolves libblas.so.3 to.</summary>
internal static class TorchProbe
{
    public const string TorchSoname = "libtorch_cpu.so.1.13";
    private const string BlasAlternative = "/etc/alternatives/libblas.so.3-x86_64-linux-gnu";

    /// <summary>Whether libtorch loads, and from where (or why not).</summary>
    public static (bool Found, string Detail) Library()
    {
        foreach (var name in new[] { TorchSoname, "libtorch.so.1.13" })
        {
            if (NativeLibrary.TryLoad(name, out _)) return (true, name);
        }
        return (false, $"{TorchSoname} not found");
    }

    /// <summary>The BLAS implementation behind libblas.so.3 (Debian alternatives), e.g. openblas-openmp.</summary>
    public static string? BlasImplementation()
    {
        try
        {
            var info = new FileInfo(BlasAlternative);
            var target = info.LinkTarget is null ? null : info.ResolveLinkTarget(returnFinalTarget: true)?.FullName;
            return target;
        }
        catch (IOException) { return null; }
    }
}
