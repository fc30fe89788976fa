namespace PoseLive.IO;

/// <summary>
/// Atomic output: write to a hidden temporary file beside the target, then rename over it. A reader
/// sees either the old file or the complete new one, never a half-written file; an abandoned write
/// leaves only the temporary file, which <see cref="Abandon"/> deletes.
/// </summary>
public static class AtomicFile
{
    /// <summary>A fresh temporary path in the target's folder (same file system, so the rename is atomic).</summary>
    public static string TemporaryPathFor(string path)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"Cannot write '{path}': folder '{dir}' does not exist.");
        return Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.partial");
    }

    /// <summary>Moves a finished temporary file onto <paramref name="path"/> (replacing it).</summary>
    public static void Commit(string temporaryPath, string path) => File.Move(temporaryPath, path, overwrite: true);

    /// <summary>Deletes a temporary file that will not be committed (ignores a file that is already gone).</summary>
    public static void Abandon(string temporaryPath)
    {
        try { File.Delete(temporaryPath); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>Writes all bytes atomically.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var tmp = TemporaryPathFor(path);
        try
        {
            using (var f = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                f.Write(bytes);
                f.Flush(flushToDisk: true);
            }
            Commit(tmp, path);
        }
        catch
        {
            Abandon(tmp);
            throw;
        }
    }
}
