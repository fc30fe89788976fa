namespace PoseLive.Cli.Commands;

/// <summary>
/// Command-line inputs as files: a folder stands for the media files in it (sorted, not recursive); a quoted glob
/// ("clips/*.mp4", wildcards * and ? in the file name) for the files it matches; anything else is passed through
/// as it is (a file, URL or device, checked when opened).
/// </summary>
internal static class InputFiles
{
    private static readonly HashSet<string> Video = new(StringComparer.OrdinalIgnoreCase)
    {
        ".mp4", ".mov", ".avi", ".mkv", ".webm", ".m4v", ".mpg", ".mpeg", ".ts", ".mts", ".wmv", ".flv", ".3gp",
    };

    private static readonly HashSet<string> Image = new(StringComparer.OrdinalIgnoreCase) { ".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp" };

    /// <summary>The inputs expanded; <paramref name="images"/> picks which extensions a folder contributes.</summary>
    /// <exception cref="UsageException">A folder with no media files, or a glob that matches nothing; the message names it.</exception>
    public static IReadOnlyList<string> Expand(IEnumerable<string> inputs, bool images)
    {
        var wanted = images ? Image : Video;
        var kind = images ? "images" : "videos";
        var result = new List<string>();
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
            {
                var files = Directory.EnumerateFiles(input).Where(f => wanted.Contains(Path.GetExtension(f))).Order(StringComparer.Ordinal).ToList();
                if (files.Count == 0) throw new UsageException($"{input}: a folder with no {kind} in it ({string.Join(" ", wanted.Order())})");
                result.AddRange(files);
            }
            else if (input.IndexOfAny(['*', '?']) >= 0 && !input.Contains("://", StringComparison.Ordinal))
            {
                var folder = Path.GetDirectoryName(input) is { Length: > 0 } d ? d : ".";
                var pattern = Path.GetFileName(input);
                if (folder.IndexOfAny(['*', '?']) >= 0) throw new UsageException($"{input}: only the file name may hold wildcards (* and ?), not the folders");
                if (!Directory.Exists(folder)) throw new UsageException($"{input}: the folder {folder} does not exist");
                var files = Directory.EnumerateFiles(folder, pattern).Order(StringComparer.Ordinal).ToList();
                if (files.Count == 0) throw new UsageException($"{input}: no files match");
                result.AddRange(files);
            }
            else result.Add(input);
        }
        return result;
    }
}
