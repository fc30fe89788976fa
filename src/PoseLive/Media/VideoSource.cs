using PoseLive.Diagnostics;
using System.Globalization;
using PoseLive.Interop.Av;

namespace PoseLive.Media;

/// <summary>
/// Decodes the video stream of a file, URL, camera or any libavformat input into pooled frames with
/// media timestamps. Reads are sequential on one thread; frames may be disposed on any thread.
/// The decoder is drained at the end, so the last frames are never lost; a corrupt packet is skipped
/// with a warning (see <see cref="Damage"/>) and decoding goes on.
/// </summary>
public sealed class VideoSource : IDisposable
{
    private readonly AvSource _native;
    private readonly int _formatId;
    private readonly RealTimePacer? _pacer;
    private readonly Rational _timeBase;
    private readonly double _frameDurationTicks;
    private FramePool _pool;
    private long _nextIndex;
    private long? _lastPts;
    private long? _seekTarget;

    private VideoSource(AvSource native, string url, VideoSourceOptions options)
    {
        _native = native;
        Url = url;
        Options = options;
        Container = native.ReadContainer();
        _timeBase = Video.TimeBase.IsValid ? Video.TimeBase : new Rational(1, 1_000_000);
        double fps = Video.FramesPerSecond;
        _frameDurationTicks = fps > 0 ? 1.0 / fps / _timeBase.ToDouble() : 0;
        _formatId = AvSource.PixelFormatId(options.OutputFormat.FfmpegName());
        int w = options.OutputWidth ?? Video.Width, h = options.OutputHeight ?? Video.Height;
        if (w <= 0 || h <= 0) throw new MediaException(url, $"video stream has no usable size ({Video.Width}x{Video.Height})");
        _pool = new FramePool(w, h, options.OutputFormat);
        if (options.RealTime) _pacer = new RealTimePacer(options.Clock);
    }

    /// <summary>Opens a file, URL, device or (with <see cref="VideoSourceOptions.InputFormat"/>) any libavformat input.</summary>
    /// <exception cref="MediaException">Missing, empty, truncated or undecodable input; the message names it.</exception>
    public static VideoSource Open(string url, VideoSourceOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(url);
        options ??= new VideoSourceOptions();
        if (options.InputFormat is null && !url.Contains("://", StringComparison.Ordinal))
        {
            if (Directory.Exists(url)) throw new MediaException(url, "is a directory, not a video file");
            if (!File.Exists(url) && !url.Contains('%', StringComparison.Ordinal)) throw new MediaException(url, "file does not exist");
            if (File.Exists(url) && new FileInfo(url).Length == 0) throw new MediaException(url, "file is empty (0 bytes)");
        }
        // FFmpeg's complaints while probing are folded into the one error below; on success they are passed on.
        using var capture = LogCapture.Start("ffmpeg");
        AvSource native;
        try
        {
            native = AvSource.Open(url, options.InputFormat, options.InputOptions, options.DecoderThreads, url);
        }
        catch (MediaException e) when (IsLocalFile(url, options))
        {
            throw Undecodable(url, capture.LastProblem ?? StripOpenPrefix(e.Message, url), e.ErrorCode);
        }
        try
        {
            var source = new VideoSource(native, url, options);
            capture.Release();
            return source;
        }
        catch (MediaException e) when (IsLocalFile(url, options) && e.Message.Contains("no usable size", StringComparison.Ordinal))
        {
            native.Dispose();
            throw Undecodable(url, capture.LastProblem ?? "no picture size", e.ErrorCode);
        }
        catch
        {
            native.Dispose();
            throw;
        }
    }

    private static bool IsLocalFile(string url, VideoSourceOptions options) => options.InputFormat is null && File.Exists(url);

    private static MediaException Undecodable(string url, string why, int code) =>
        new(url, $"not a video or image FFmpeg can decode ({System.Text.RegularExpressions.Regex.Replace(why, @"^\[[^\]]*\]\s*", "").Trim().TrimEnd('.')})", code);

    // the shim says "URL: cannot open 'URL': REASON"; keep REASON
    private static string StripOpenPrefix(string message, string url)
    {
        var marker = $"cannot open '{url}': ";
        int i = message.IndexOf(marker, StringComparison.Ordinal);
        return i >= 0 ? message[(i + marker.Length)..] : message;
    }

    /// <summary>Opens camera <paramref name="index"/> (/dev/video<i>index</i>) through Video4Linux2.</summary>
    public static VideoSource OpenCamera(int index, CameraOptions? camera = null)
    {
        camera ??= new CameraOptions();
        var device = $"/dev/video{index}";
        if (!File.Exists(device))
        {
            var present = Directory.Exists("/dev") ? Directory.GetFiles("/dev", "video*").Order().ToArray() : [];
            throw new MediaException($"camera {index} ({device})",
                present.Length == 0 ? "no such device: this machine has no Video4Linux2 camera (/dev/video* is empty)"
                                    : $"no such device (present: {string.Join(", ", present)})");
        }
        var options = new Dictionary<string, string>();
        if (camera.Width is int w && camera.Height is int h) options["video_size"] = $"{w}x{h}";
        if (camera.FramesPerSecond is double fps) options["framerate"] = fps.ToString(CultureInfo.InvariantCulture);
        if (camera.InputPixelFormat is string pf) options["input_format"] = pf;
        return Open(device, new VideoSourceOptions { InputFormat = "video4linux2", InputOptions = options, OutputFormat = camera.OutputFormat });
    }

    public string Url { get; }
    public VideoSourceOptions Options { get; }
    public ContainerInfo Container { get; }

    /// <summary>The decoded video stream.</summary>
    public StreamInfo Video => Container.Video;

    /// <summary>The pool frames come from (its <see cref="FramePool.Allocated"/> shows steady-state reuse).</summary>
    public FramePool Pool => _pool;

    /// <summary>Damage skipped so far: corrupt packets and frames that failed to decode.</summary>
    public (long CorruptPackets, long DecodeErrors) Damage => _native.Damage();

    /// <summary>The next frame (from the pool: dispose it), or null at the end of the stream.</summary>
    public VideoFrame? ReadFrame(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!_native.Next(out var info)) return null;
            long pts = info.Pts ?? (_lastPts is long last ? last + (long)Math.Max(1, Math.Round(_frameDurationTicks)) : 0);
            if (_seekTarget is long target)
            {
                if (pts < target) continue; // decoding forward from the key frame before the target
                _seekTarget = null;
                _nextIndex = _frameDurationTicks > 0 ? (long)Math.Round((pts - (Video.StartTime ?? 0)) / _frameDurationTicks) : _nextIndex;
            }
            _lastPts = pts;
            var frame = Convert(info, pts);
            _pacer?.WaitFor(_timeBase.ToTimeSpan(pts), cancellationToken);
            return frame;
        }
    }

    private VideoFrame Convert(DecodedFrameInfo info, long pts)
    {
        if (Options.OutputWidth is null && (info.Width != _pool.Width || info.Height != _pool.Height))
            _pool = new FramePool(info.Width, info.Height, Options.OutputFormat); // the stream changed size mid-way
        var frame = _pool.Rent();
        try
        {
            var f = frame.Format;
            if (f.PlaneCount() == 1)
                _native.Convert(_formatId, frame.Width, frame.Height, frame.PaddedPlane(0), frame.PlaneStride(0));
            else
                _native.Convert(_formatId, frame.Width, frame.Height, frame.PaddedPlane(0), frame.PlaneStride(0),
                    frame.PaddedPlane(1), frame.PlaneStride(1), frame.PaddedPlane(2), frame.PlaneStride(2));
        }
        catch
        {
            frame.Dispose();
            throw;
        }
        frame.Pts = pts;
        frame.TimeBase = _timeBase;
        frame.Index = _nextIndex++;
        frame.KeyFrame = info.KeyFrame;
        return frame;
    }

    /// <summary>
    /// Seeks so that the next <see cref="ReadFrame"/> returns the first frame at or after <paramref name="time"/>
    /// (media time of the stream), decoding forward from the preceding key frame.
    /// </summary>
    public void Seek(TimeSpan time)
    {
        long target = _timeBase.CeilingFromTimeSpan(time) + (Video.StartTime ?? 0);
        _native.Seek(target);
        _seekTarget = target;
        _lastPts = null;
        _pacer?.Reset();
    }

    public void Dispose() => _native.Dispose();
}
