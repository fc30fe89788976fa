using PoseLive.Media;

namespace PoseLive.Interop.Av;

/// <summary>Internal owner of one pl_encoder (and of the file it writes).</summary>
internal sealed unsafe class AvEncoder : IDisposable
{
    private readonly AvEncoderHandle _handle;
    private readonly string _subject;

    private AvEncoder(AvEncoderHandle handle, string subject)
    {
        _handle = handle;
        _subject = subject;
    }

    public static AvEncoder Open(string path, string format, string codec, int width, int height, Rational timeBase, Rational frameRate,
        int crf, string? preset, string subject)
    {
        AvLog.Install();
        AvError.Check(AvNative.pl_encoder_open(path, format, codec, width, height, timeBase.Num, timeBase.Den,
            frameRate.Num, frameRate.Den, crf, preset, out var raw), subject);
        return new AvEncoder(new AvEncoderHandle(raw), subject);
    }

    private nint H => _handle.IsClosed ? throw new ObjectDisposedException(_subject) : _handle.DangerousGetHandle();

    public void Write(ReadOnlySpan<byte> pixels, int stride, int format, int width, int height, long pts)
    {
        fixed (byte* p = pixels) AvError.Check(AvNative.pl_encoder_write(H, p, stride, format, width, height, pts), _subject);
        GC.KeepAlive(_handle);
    }

    public void Finish()
    {
        AvError.Check(AvNative.pl_encoder_finish(H), _subject);
        GC.KeepAlive(_handle);
    }

    public void Dispose() => _handle.Dispose();

    /// <summary>Encodes an image as PNG bytes.</summary>
    public static byte[] EncodePng(ReadOnlySpan<byte> pixels, int stride, int format, int width, int height, string subject)
    {
        AvLog.Install();
        byte* data;
        int size;
        fixed (byte* p = pixels) AvError.Check(AvNative.pl_encode_png(p, stride, format, width, height, out data, out size), subject);
        try { return new ReadOnlySpan<byte>(data, size).ToArray(); }
        finally { AvNative.pl_av_free(data); }
    }
}
