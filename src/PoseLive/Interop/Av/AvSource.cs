using System.Runtime.InteropServices;
using System.Text;
using PoseLive.Media;

namespace PoseLive.Interop.Av;

/// <summary>
/// Internal owner of one pl_source: open, stream facts, decode, convert, seek. Not thread-safe (one
/// decoding thread per source). Converts into caller-provided managed planes (no native buffers leak
/// out); plane pointers of the current frame are valid until the next <see cref="Next"/>.
/// </summary>
internal sealed unsafe class AvSource : IDisposable
{
    private readonly AvSourceHandle _handle;
    private readonly string _subject;
    private AvNative.FrameInfoNative _frame;

    private AvSource(AvSourceHandle handle, string subject)
    {
        _handle = handle;
        _subject = subject;
    }

    public static AvSource Open(string url, string? format, IReadOnlyDictionary<string, string> options, int threads, string subject)
    {
        AvLog.Install();
        var keys = options.Keys.ToArray();
        var natives = new List<nint>();
        try
        {
            var k = stackalloc byte*[Math.Max(1, keys.Length)];
            var v = stackalloc byte*[Math.Max(1, keys.Length)];
            for (int i = 0; i < keys.Length; i++)
            {
                natives.Add(Marshal.StringToCoTaskMemUTF8(keys[i])); k[i] = (byte*)natives[^1];
                natives.Add(Marshal.StringToCoTaskMemUTF8(options[keys[i]])); v[i] = (byte*)natives[^1];
            }
            AvError.Check(AvNative.pl_source_open(url, format, k, v, keys.Length, threads, out var raw), subject);
            return new AvSource(new AvSourceHandle(raw), subject);
        }
        finally
        {
            foreach (var p in natives) Marshal.FreeCoTaskMem(p);
        }
    }

    private nint H => _handle.IsClosed ? throw new ObjectDisposedException(_subject) : _handle.DangerousGetHandle();

    public ContainerInfo ReadContainer()
    {
        AvError.Check(AvNative.pl_source_container_info(H, out var c), _subject);
        var streams = new StreamInfo[c.StreamCount];
        for (int i = 0; i < streams.Length; i++)
        {
            AvError.Check(AvNative.pl_source_stream_info(H, i, out var s), _subject);
            streams[i] = new StreamInfo(s.Index, (MediaType)s.MediaType, Fixed(s.Codec, 32), s.Width, s.Height,
                AvNative.Utf8(AvNative.pl_av_pix_fmt_name(s.PixFmt)), new Rational(s.TbNum, s.TbDen),
                new Rational(s.AvgFpsNum, s.AvgFpsDen), new Rational(s.RFpsNum, s.RFpsDen),
                s.StartTime == AvNative.NoTimestamp ? null : s.StartTime, s.Duration == AvNative.NoTimestamp ? null : s.Duration,
                s.FrameCount, s.Rotation, s.SampleRate, s.Channels, s.BitRate);
        }
        GC.KeepAlive(_handle);
        return new ContainerInfo(Fixed(c.Format, 64), c.DurationMicroseconds == AvNative.NoTimestamp ? null : TimeSpan.FromMicroseconds(c.DurationMicroseconds),
            c.BitRate, streams, c.VideoStream);
    }

    private static string Fixed(byte* p, int max)
    {
        int n = 0;
        while (n < max && p[n] != 0) n++;
        return Encoding.UTF8.GetString(p, n);
    }

    /// <summary>Decodes the next frame; false at the end of the stream.</summary>
    public bool Next(out DecodedFrameInfo info)
    {
        int r = AvError.Check(AvNative.pl_source_next(H, out _frame), _subject);
        GC.KeepAlive(_handle);
        info = r == 0 ? default : new DecodedFrameInfo(_frame.Pts == AvNative.NoTimestamp ? null : _frame.Pts, _frame.Width, _frame.Height, _frame.KeyFrame != 0);
        return r == 1;
    }

    /// <summary>
    /// Bytes each destination plane needs after stride × rows: swscale's vector stores overshoot the last row
    /// (up to 32 bytes measured), which must land in the plane's own slack, never in the managed heap beyond it.
    /// </summary>
    public static int ConversionPadding { get; } = AvNative.pl_convert_padding();

    /// <summary>
    /// Converts the current frame into up to three managed planes. Each span must hold stride × rows plus
    /// <see cref="ConversionPadding"/> bytes; the shim checks the lengths before writing and refuses short planes.
    /// </summary>
    public void Convert(int dstFormat, int width, int height, Span<byte> p0, int s0, Span<byte> p1 = default, int s1 = 0, Span<byte> p2 = default, int s2 = 0)
    {
        fixed (byte* a = p0)
        fixed (byte* b = p1)
        fixed (byte* c = p2)
        {
            var planes = stackalloc byte*[4] { a, b, c, null };
            var strides = stackalloc int[4] { s0, s1, s2, 0 };
            var sizes = stackalloc long[4] { p0.Length, p1.Length, p2.Length, 0 };
            AvError.Check(AvNative.pl_source_convert(H, dstFormat, planes, strides, sizes, width, height), _subject);
        }
        GC.KeepAlive(_handle);
    }

    public void Seek(long timestamp)
    {
        AvError.Check(AvNative.pl_source_seek(H, timestamp), _subject);
        GC.KeepAlive(_handle);
    }

    public (long CorruptPackets, long DecodeErrors) Damage()
    {
        AvNative.pl_source_damage(H, out var p, out var d);
        GC.KeepAlive(_handle);
        return (p, d);
    }

    /// <summary>FFmpeg's pixel-format number for a name (e.g. "rgb24").</summary>
    public static int PixelFormatId(string name)
    {
        int id = AvNative.pl_av_pix_fmt_from_name(name);
        if (id < 0) throw new ArgumentException($"FFmpeg has no pixel format '{name}'.", nameof(name));
        return id;
    }

    public void Dispose() => _handle.Dispose();
}

/// <summary>Facts of the frame just decoded.</summary>
internal readonly record struct DecodedFrameInfo(long? Pts, int Width, int Height, bool KeyFrame);
