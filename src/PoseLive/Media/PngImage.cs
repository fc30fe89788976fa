using PoseLive.Interop.Av;
using PoseLive.IO;

namespace PoseLive.Media;

/// <summary>PNG stills through FFmpeg's PNG encoder; files are written atomically.</summary>
public static class PngImage
{
    /// <summary>PNG bytes of packed pixels (RGB24, BGR24 or RGBA; BGR is stored as RGB).</summary>
    public static byte[] Encode(ReadOnlySpan<byte> pixels, int stride, int width, int height, PixelFormat format)
    {
        if (format == PixelFormat.Yuv420p) throw new ArgumentException("PNG stills take packed RGB/BGR/RGBA pixels.", nameof(format));
        if (pixels.Length < stride * (height - 1) + width * format.BytesPerPixel())
            throw new ArgumentException($"Pixel buffer too small for {width}x{height} {format} with stride {stride}.", nameof(pixels));
        return AvEncoder.EncodePng(pixels, stride, AvSource.PixelFormatId(format.FfmpegName()), width, height, "PNG encoder");
    }

    /// <summary>Writes a PNG file atomically.</summary>
    public static void Write(string path, ReadOnlySpan<byte> pixels, int stride, int width, int height, PixelFormat format) =>
        AtomicFile.WriteAllBytes(path, Encode(pixels, stride, width, height, format));

    /// <summary>Writes a frame as PNG.</summary>
    public static void Write(string path, VideoFrame frame) => Write(path, frame.Plane(0), frame.Stride, frame.Width, frame.Height, frame.Format);
}
