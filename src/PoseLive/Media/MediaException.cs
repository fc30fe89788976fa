namespace PoseLive.Media;

/// <summary>A media file, stream or device could not be read or written; names it and carries FFmpeg's message.</summary>
public sealed class MediaException : Exception
{
    public MediaException(string subject, string message, int errorCode = 0)
        : base($"{subject}: {message}")
    {
        Subject = subject;
        Reason = message;
        ErrorCode = errorCode;
    }

    /// <summary>The file, URL or device concerned.</summary>
    public string Subject { get; }

    /// <summary>What went wrong (FFmpeg's text where it came from FFmpeg).</summary>
    public string Reason { get; }

    /// <summary>FFmpeg's AVERROR code (negative), or 0.</summary>
    public int ErrorCode { get; }
}
