namespace PoseLive.Cli.Commands;

/// <summary>Error lines that name the file once.</summary>
internal static class Messages
{
    /// <summary>"1 frame", "2 frames".</summary>
    public static string Count(long n, string singular, string? plural = null) => $"{n} {(n == 1 ? singular : plural ?? singular + "s")}";

    /// <summary>A coordinate rounded for display without a "-0".</summary>
    public static float Display(float v) => MathF.Round(v) == 0 ? 0 : v;

    /// <summary>"PATH: MESSAGE", unless the message already names the file.</summary>
    public static string About(string path, string message)
    {
        var full = Path.GetFullPath(path);
        return message.Contains(path, StringComparison.Ordinal) || message.Contains(full, StringComparison.Ordinal) ? message : $"{path}: {message}";
    }
}
