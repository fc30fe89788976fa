using PoseLive.Interop.OpenCv;
using PoseLive.Media;

namespace PoseLive.Synthetic;

/// <summary>
/// Real images for backdrops, ground and coats (as CC-SSL draws COCO images): every still in a folder, plus frames
/// spread through every video in it, each scaled to at most <see cref="MaxSide"/> pixels. Files are read in name order,
/// so the set — and what a seed draws from it — is the same on every run.
/// </summary>
public sealed class SynthBackgrounds
{
    public const int MaxSide = 512;
    public const int FramesPerVideo = 12;
    private static readonly string[] Stills = [".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"];
    private static readonly string[] Videos = [".avi", ".mp4", ".mkv", ".mov", ".webm", ".m4v", ".mpg", ".mpeg"];

    private SynthBackgrounds(List<(byte[] Rgb, int Width, int Height, string Source)> images, string folder)
    {
        Images = images;
        Folder = folder;
    }

    public IReadOnlyList<(byte[] Rgb, int Width, int Height, string Source)> Images { get; }
    public string Folder { get; }

    /// <summary>Loads <paramref name="folder"/>'s stills and video frames.</summary>
    /// <exception cref="SynthException">Not a folder, nothing usable in it, or a file that cannot be decoded.</exception>
    public static SynthBackgrounds Load(string folder)
    {
        if (!Directory.Exists(folder)) throw new SynthException($"{folder}: not a folder (--backgrounds needs a folder of images or videos)");
        string[] files;
        try { files = Directory.GetFiles(folder).Order(StringComparer.Ordinal).ToArray(); }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException) { throw new SynthException($"{folder}: cannot be read ({e.Message})"); }
        var images = new List<(byte[], int, int, string)>();
        foreach (var file in files)
        {
            var ext = Path.GetExtension(file).ToLowerInvariant();
            bool still = Stills.Contains(ext), video = Videos.Contains(ext);
            if (!still && !video) continue;
            try
            {
                using var source = VideoSource.Open(file);
                if (still)
                {
                    using var frame = source.ReadFrame() ?? throw new MediaException(file, "holds no image");
                    images.Add(Scaled(frame, file));
                    continue;
                }
                // frames spread over the first few hundred: read through, keep every 30th
                int kept = 0, index = 0;
                while (kept < FramesPerVideo)
                {
                    using var frame = source.ReadFrame();
                    if (frame is null) break;
                    if (index++ % 30 != 0) continue;
                    images.Add(Scaled(frame, $"{file}#{index - 1}"));
                    kept++;
                }
            }
            catch (MediaException e)
            {
                throw new SynthException($"{file}: cannot be used as a background: {e.Message}");
            }
        }
        if (images.Count == 0)
            throw new SynthException($"{folder}: holds no images or videos to use as backgrounds (looked for {string.Join(" ", Stills.Concat(Videos))})");
        return new SynthBackgrounds(images, folder);
    }

    private static (byte[], int, int, string) Scaled(VideoFrame frame, string source)
    {
        double scale = Math.Min(1.0, (double)MaxSide / Math.Max(frame.Width, frame.Height));
        int w = Math.Max(1, (int)Math.Round(frame.Width * scale)), h = Math.Max(1, (int)Math.Round(frame.Height * scale));
        return (OpenCvImage.Resize(frame.Plane(0), frame.Width, frame.Height, frame.Stride, w, h), w, h, source);
    }

    /// <summary>The media/ folder beside the application or in the checkout (the footage setup fetches), or null.</summary>
    public static string? DefaultFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "media");
            if (Directory.Exists(candidate) && File.Exists(Path.Combine(candidate, "vtest.avi"))) return candidate;
        }
        return null;
    }
}
