using System.Runtime.InteropServices;

namespace PoseLive.Interop.Av;

/// <summary>
/// Reads the versions of the FFmpeg libraries without binding them fully: each library is loaded by
/// soname and its <c>*_version()</c> export called (the packed 8.8.8 integer LIBx_VERSION_INT).
/// </summary>
internal static unsafe class AvVersionProbe
{
    /// <summary>FFmpeg 5.1 sonames (Debian 12).</summary>
    public static readonly (string Name, string Soname)[] Libraries =
    [
        ("avutil", "libavutil.so.57"),
        ("avcodec", "libavcodec.so.59"),
        ("avformat", "libavformat.so.59"),
        ("swscale", "libswscale.so.6"),
        ("avdevice", "libavdevice.so.59"),
    ];

    public readonly record struct LibraryVersion(string Name, string Soname, string? Version, string? Error);

    public static IReadOnlyList<LibraryVersion> Probe()
    {
        var result = new List<LibraryVersion>();
        foreach (var (name, soname) in Libraries)
        {
            if (!NativeLibrary.TryLoad(soname, out var handle)) { result.Add(new(name, soname, null, $"{soname} not found")); continue; }
            if (!NativeLibrary.TryGetExport(handle, $"{name}_version", out var fn)) { result.Add(new(name, soname, null, $"{soname} has no {name}_version export")); continue; }
            uint v = ((delegate* unmanaged<uint>)fn)();
            result.Add(new(name, soname, $"{v >> 16}.{(v >> 8) & 0xff}.{v & 0xff}", null));
        }
        return result;
    }

    /// <summary>The FFmpeg release string (e.g. 5.1.6-0+deb12u1), or null.</summary>
    public static string? ReleaseVersion()
    {
        if (!NativeLibrary.TryLoad("libavutil.so.57", out var handle)) return null;
        if (!NativeLibrary.TryGetExport(handle, "av_version_info", out var fn)) return null;
        return Marshal.PtrToStringUTF8((nint)((delegate* unmanaged<byte*>)fn)());
    }
}
