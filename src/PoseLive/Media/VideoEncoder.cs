using PoseLive.Interop.Av;
using PoseLive.IO;

namespace PoseLive.Media;

/// <summary>Encoder settings. Defaults: H.264 (libx264) in MP4, CRF 20, preset veryfast, millisecond timestamps.</summary>
public sealed record VideoEncoderOptions
{
    public string Codec { get; init; } = "libx264";
    public string ContainerFormat { get; init; } = "mp4";
    /// <summary>Time base of the timestamps passed to <see cref="VideoEncoder.Write(ReadOnlySpan{byte}, int, PixelFormat, long)"/>.</summary>
    public Rational TimeBase { get; init; } = new(1, 1000);
    /// <summary>Nominal frame rate written to the stream header (timestamps rule).</summary>
    public Rational FrameRate { get; init; } = new(30, 1);
    /// <summary>Constant rate factor (0 = lossless luma, 51 = worst); negative keeps the codec default.</summary>
    public int Crf { get; init; } = 20;
    public string? Preset { get; init; } = "veryfast";
}

/// <summary>
/// Writes frames with given timestamps to a video file (H.264 MP4 by default). Output is atomic: frames go
/// to a hidden temporary file that <see cref="Finish"/> renames onto the target; disposing without
/// finishing deletes it, so a half-written video never appears under the target name. Odd sizes are
/// encoded at the next even size (4:2:0 chroma needs even dimensions).
/// </summary>
public sealed class VideoEncoder : IDisposable
{
    private readonly AvEncoder _native;
    private readonly string _temporaryPath;
    private readonly Dictionary<PixelFormat, int> _formatIds = [];
    private long _lastPts = long.MinValue;
    private bool _finished;

    private VideoEncoder(AvEncoder native, string path, string temporaryPath, int width, int height, VideoEncoderOptions options)
    {
        _native = native;
        Path = path;
        _temporaryPath = temporaryPath;
        Width = width;
        Height = height;
        Options = options;
    }

    public static VideoEncoder Create(string path, int width, int height, VideoEncoderOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        options ??= new VideoEncoderOptions();
        string tmp;
        try { tmp = AtomicFile.TemporaryPathFor(path); }
        catch (DirectoryNotFoundException e) { throw new MediaException(path, e.Message); }
        try
        {
            var native = AvEncoder.Open(tmp, options.ContainerFormat, options.Codec, width, height, options.TimeBase, options.FrameRate,
                options.Crf, options.Preset, path);
            return new VideoEncoder(native, path, tmp, width, height, options);
        }
        catch
        {
            AtomicFile.Abandon(tmp);
            throw;
        }
    }

    public string Path { get; }
    public int Width { get; }
    public int Height { get; }
    public VideoEncoderOptions Options { get; }

    /// <summary>Frames written so far.</summary>
    public long FrameCount { get; private set; }

    /// <summary>Encodes one frame; <paramref name="pts"/> (in <see cref="VideoEncoderOptions.TimeBase"/>) must increase.</summary>
    public void Write(ReadOnlySpan<byte> pixels, int stride, PixelFormat format, long pts)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        if (format == PixelFormat.Yuv420p) throw new ArgumentException("Write takes packed RGB/BGR/RGBA pixels.", nameof(format));
        if (pts <= _lastPts) throw new ArgumentException($"{Path}: timestamp {pts} does not increase (previous {_lastPts}).", nameof(pts));
        if (stride < Width * format.BytesPerPixel() || pixels.Length < stride * (Height - 1) + Width * format.BytesPerPixel())
            throw new ArgumentException($"{Path}: pixel buffer too small for {Width}x{Height} {format} with stride {stride}.", nameof(pixels));
        if (!_formatIds.TryGetValue(format, out int id)) _formatIds[format] = id = AvSource.PixelFormatId(format.FfmpegName());
        _native.Write(pixels, stride, id, Width, Height, pts);
        _lastPts = pts;
        FrameCount++;
    }

    /// <summary>Encodes a decoded frame at its own timestamp (rescaled to the encoder's time base).</summary>
    public void Write(VideoFrame frame) =>
        Write(frame.Plane(0), frame.Stride, frame.Format, frame.TimeBase.Rescale(frame.Pts, Options.TimeBase));

    /// <summary>Flushes the encoder, writes the trailer and moves the file onto <see cref="Path"/>.</summary>
    public void Finish()
    {
        if (_finished) return;
        _native.Finish();
        _native.Dispose();
        _finished = true;
        AtomicFile.Commit(_temporaryPath, Path);
    }

    /// <summary>Without <see cref="Finish"/>: discards the partial output.</summary>
    public void Dispose()
    {
        if (_finished) return;
        _finished = true;
        _native.Dispose();
        AtomicFile.Abandon(_temporaryPath);
    }
}
