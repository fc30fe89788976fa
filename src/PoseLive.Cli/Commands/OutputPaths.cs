namespace PoseLive.Cli.Commands;

/// <summary>Whether an output file or folder can be written, checked before any work (a probe file is created and removed).</summary>
internal static class OutputPaths
{
    /// <summary>Null when <paramref name="path"/> can be written as a file, else why not.</summary>
    public static string? WhyNotWritableFile(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) return "the path is empty";
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) return $"{path} is a folder, not a file";
        var folder = Path.GetDirectoryName(full) ?? "/";
        return WhyNotWritableDirectory(folder, asParentOf: path);
    }

    /// <summary>Null when files can be written in <paramref name="path"/> (existing, or creatable), else why not.</summary>
    public static string? WhyNotWritableDirectory(string path, string? asParentOf = null)
    {
        if (string.IsNullOrWhiteSpace(path)) return "the path is empty";
        var full = Path.GetFullPath(path);
        if (File.Exists(full)) return asParentOf is null ? $"{path} is a file, not a folder" : $"{Path.GetDirectoryName(asParentOf)} is a file, not a folder";
        // the nearest existing ancestor must be a writable folder
        var existing = full;
        while (!Directory.Exists(existing))
        {
            var parent = Path.GetDirectoryName(existing);
            if (parent is null) return $"cannot write {asParentOf ?? path}: no existing folder above it";
            if (File.Exists(parent)) return $"cannot write {asParentOf ?? path}: {parent} is a file, not a folder";
            existing = parent;
        }
        var probe = Path.Combine(existing, $".poselive-write-check-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using (File.Create(probe, 1, FileOptions.DeleteOnClose)) { }
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot write {asParentOf ?? path}: the folder {existing} is not writable";
        }
    }
}
