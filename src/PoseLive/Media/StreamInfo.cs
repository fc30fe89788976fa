namespace PoseLive.Media;

/// <summary>FFmpeg's AVMediaType.</summary>
public enum MediaType { Unknown = -1, Video = 0, Audio = 1, Data = 2, Subtitle = 3, Attachment = 4 }

/// <summary>One stream of a container. Times (start, duration) are in <see cref="TimeBase"/> ticks.</summary>
public sealed record StreamInfo(
    int Index, MediaType Type, string Codec, int Width, int Height, string PixelFormat, Rational TimeBase,
    Rational AverageFrameRate, Rational RealFrameRate, long? StartTime, long? Duration, long FrameCount,
    double Rotation, int SampleRate, int Channels, long BitRate)
{
    /// <summary>Frames per second (average, else the stream's base rate), or 0 when unknown.</summary>
    public double FramesPerSecond => AverageFrameRate.IsValid ? AverageFrameRate.ToDouble() : RealFrameRate.IsValid ? RealFrameRate.ToDouble() : 0;

    /// <summary>Stream duration, when known.</summary>
    public TimeSpan? DurationTime => Duration is long d ? TimeBase.ToTimeSpan(d) : null;
}

/// <summary>A container and its streams; <see cref="VideoStreamIndex"/> is the video stream PoseLive decodes.</summary>
public sealed record ContainerInfo(string Format, TimeSpan? Duration, long BitRate, IReadOnlyList<StreamInfo> Streams, int VideoStreamIndex)
{
    public StreamInfo Video => Streams[VideoStreamIndex];
}
