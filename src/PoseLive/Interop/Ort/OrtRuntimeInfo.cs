using System.Runtime.InteropServices;

namespace PoseLive.Interop.Ort;

/// <summary>Facts about the loaded runtime: version, build string, execution providers.</summary>
internal static unsafe class OrtRuntimeInfo
{
    public static string BuildInfo
    {
        get { _ = OrtLibrary.Loaded; return Marshal.PtrToStringUTF8((nint)OrtApi.GetBuildInfoString()) ?? ""; }
    }

    public static IReadOnlyList<string> AvailableProviders()
    {
        _ = OrtLibrary.Loaded;
        byte** names;
        int count;
        OrtStatus.Check(OrtApi.GetAvailableProviders(&names, &count), "listing execution providers");
        try
        {
            var list = new string[count];
            for (int i = 0; i < count; i++) list[i] = Marshal.PtrToStringUTF8((nint)names[i]) ?? "";
            return list;
        }
        finally
        {
            OrtStatus.Check(OrtApi.ReleaseAvailableProviders(names, count));
        }
    }
}
