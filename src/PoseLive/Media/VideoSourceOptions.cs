namespace PoseLive.Media;

/// <summary>How to open and convert a video source.</summary>
public sealed record VideoSourceOptions
{
    /// <summary>libavformat input format by name (e.g. "lavfi", "video4linux2"); null = probe from the data.</summary>
    public string? InputFormat { get; init; }

    /// <summary>Input-format options (e.g. video_size=640x480, framerate=30). An option the format does not know is an error.</summary>
    public IReadOnlyDictionary<string, string> InputOptions { get; init; } = new Dictionary<string, string>();

    /// <summary>Decoder threads; 0 = automatic (as the ffmpeg tool does).</summary>
    public int DecoderThreads { get; init; }

    /// <summary>Pixel format of the delivered frames.</summary>
    public PixelFormat OutputFormat { get; init; } = PixelFormat.Rgb24;

    /// <summary>Output size; null keeps the stream's size.</summary>
    public int? OutputWidth { get; init; }
    public int? OutputHeight { get; init; }

    /// <summary>Release frames at their timestamps on the wall clock (a file behaving like a live camera).</summary>
    public bool RealTime { get; init; }

    /// <summary>Clock for <see cref="RealTime"/> pacing (tests inject their own).</summary>
    public TimeProvider? Clock { get; init; }
}

/// <summary>Camera settings for <see cref="VideoSource.OpenCamera"/> (Video4Linux2).</summary>
public sealed record CameraOptions
{
    public int? Width { get; init; }
    public int? Height { get; init; }
    public double? FramesPerSecond { get; init; }
    /// <summary>V4L2 input pixel format (e.g. mjpeg, yuyv422); null = the driver's default.</summary>
    public string? InputPixelFormat { get; init; }
    public PixelFormat OutputFormat { get; init; } = PixelFormat.Rgb24;
}
