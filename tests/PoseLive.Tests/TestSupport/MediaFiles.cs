using System.Diagnostics;

namespace PoseLive.Tests.TestSupport;

/// <summary>Fetched sample footage (media/, from scripts/setup.sh) and the ffmpeg/ffprobe tools as references.</summary>
internal static class MediaFiles
{
    /// <summary>Path of a file in the repository's media/ folder (fails the test if setup has not fetched it).</summary>
    public static string Sample(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var p = Path.Combine(dir.FullName, "media", name);
            if (File.Exists(p)) return p;
        }
        throw new FileNotFoundException($"media/{name} not found: run scripts/setup.sh");
    }

    /// <summary>Runs a tool (ffmpeg, ffprobe) and returns its standard output; fails on a non-zero exit.</summary>
    public static byte[] Tool(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        using var ms = new MemoryStream();
        p.StandardOutput.BaseStream.CopyTo(ms);
        if (!p.WaitForExit(120_000)) { p.Kill(); throw new TimeoutException($"{tool} hung"); }
        if (p.ExitCode != 0) throw new InvalidOperationException($"{tool} {string.Join(' ', args)} failed: {stderr.GetAwaiter().GetResult()}");
        return ms.ToArray();
    }

    public static string ToolText(string tool, params string[] args) => System.Text.Encoding.UTF8.GetString(Tool(tool, args)).Trim();

    /// <summary>Writes packed RGB24 frames as a raw file for ffmpeg's rawvideo demuxer.</summary>
    public static void WriteRawRgb(string path, IEnumerable<byte[]> frames)
    {
        using var f = File.Create(path);
        foreach (var frame in frames) f.Write(frame);
    }

    /// <summary>Peak signal-to-noise ratio (dB) between two equally sized 8-bit images.</summary>
    public static double Psnr(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        Assert.Equal(a.Length, b.Length);
        double se = 0;
        for (int i = 0; i < a.Length; i++) { double d = a[i] - b[i]; se += d * d; }
        double mse = se / a.Length;
        return mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 / mse);
    }
}
