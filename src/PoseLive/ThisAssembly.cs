using System.Reflection;

namespace PoseLive;

/// <summary>Version information of the PoseLive library.</summary>
public static class ThisAssembly
{
    /// <summary>Informational version (e.g. 0.1.0).</summary>
    public static string Version { get; } =
        typeof(ThisAssembly).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
