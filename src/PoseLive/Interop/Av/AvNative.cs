using System.Runtime.InteropServices;

namespace PoseLive.Interop.Av;

/// <summary>The flat C ABI of libposelive_av (native/avshim/avshim.c) over FFmpeg 5.1.</summary>
internal static unsafe partial class AvNative
{
    private const string Lib = NativeShims.Av;

    static AvNative() => NativeShims.EnsureRegistered();

    public const long NoTimestamp = long.MinValue;
    public const int AV_LOG_QUIET = -8, AV_LOG_ERROR = 16, AV_LOG_WARNING = 24, AV_LOG_INFO = 32, AV_LOG_VERBOSE = 40, AV_LOG_DEBUG = 48;

    [LibraryImport(Lib)] public static partial byte* pl_av_last_error();
    [LibraryImport(Lib)] public static partial void pl_av_set_log(delegate* unmanaged<int, byte*, void> callback, int level);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial int pl_av_pix_fmt_from_name(string name);
    [LibraryImport(Lib)] public static partial byte* pl_av_pix_fmt_name(int format);
    [LibraryImport(Lib)] public static partial void pl_av_free(void* p);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int pl_source_open(string url, string? format, byte** keys, byte** values, int optionCount, int threads, out nint source);
    [LibraryImport(Lib)] public static partial void pl_source_close(nint source);
    [LibraryImport(Lib)] public static partial int pl_source_container_info(nint source, out ContainerInfoNative info);
    [LibraryImport(Lib)] public static partial int pl_source_stream_info(nint source, int index, out StreamInfoNative info);
    [LibraryImport(Lib)] public static partial int pl_source_next(nint source, out FrameInfoNative frame);
    [LibraryImport(Lib)] public static partial void pl_source_damage(nint source, out long corruptPackets, out long decodeErrors);
    [LibraryImport(Lib)] public static partial int pl_source_convert(nint source, int dstFormat, byte** planes, int* strides, long* sizes, int width, int height);
    [LibraryImport(Lib)] public static partial int pl_convert_padding();
    [LibraryImport(Lib)] public static partial int pl_source_seek(nint source, long timestamp);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int pl_encoder_open(string path, string format, string codec, int width, int height, int tbNum, int tbDen,
        int fpsNum, int fpsDen, int crf, string? preset, out nint encoder);
    [LibraryImport(Lib)] public static partial int pl_encoder_write(nint encoder, byte* pixels, int stride, int format, int width, int height, long pts);
    [LibraryImport(Lib)] public static partial int pl_encoder_finish(nint encoder);
    [LibraryImport(Lib)] public static partial void pl_encoder_close(nint encoder);
    [LibraryImport(Lib)] public static partial int pl_encode_png(byte* pixels, int stride, int format, int width, int height, out byte* data, out int size);

    [StructLayout(LayoutKind.Sequential)]
    public struct StreamInfoNative
    {
        public int Index;
        public int MediaType;
        public fixed byte Codec[32];
        public int Width, Height, PixFmt;
        public int TbNum, TbDen;
        public int AvgFpsNum, AvgFpsDen;
        public int RFpsNum, RFpsDen;
        public long StartTime;
        public long Duration;
        public long FrameCount;
        public double Rotation;
        public int SampleRate, Channels;
        public long BitRate;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct ContainerInfoNative
    {
        public fixed byte Format[64];
        public long DurationMicroseconds;
        public long BitRate;
        public int StreamCount;
        public int VideoStream;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct FrameInfoNative
    {
        public long Pts;
        public long Duration;
        public int Width, Height, PixFmt;
        public int KeyFrame;
        public nint Data0, Data1, Data2, Data3;
        public int Linesize0, Linesize1, Linesize2, Linesize3;
    }

    public static string Utf8(byte* s) => Marshal.PtrToStringUTF8((nint)s) ?? "";
}
