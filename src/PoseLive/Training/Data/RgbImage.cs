namespace PoseLive.Training.Data;

/// <summary>A decoded image: packed RGB24 rows of <see cref="Stride"/> bytes (read-only once decoded; shared by the cache).</summary>
public sealed record RgbImage(byte[] Pixels, int Width, int Height, int Stride)
{
    public long Bytes => Pixels.LongLength;
}

/// <summary>A dataset file is missing, unreadable or inconsistent; the message names the file and the element.</summary>
public sealed class DatasetException(string message) : Exception(message);
