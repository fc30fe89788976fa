namespace PoseLive.Media;

/// <summary>Pixel layouts PoseLive converts decoded frames into.</summary>
public enum PixelFormat
{
    /// <summary>Packed 8-bit R,G,B.</summary>
    Rgb24,
    /// <summary>Packed 8-bit B,G,R.</summary>
    Bgr24,
    /// <summary>Packed 8-bit R,G,B,A.</summary>
    Rgba,
    /// <summary>Planar Y, U, V with 2×2-subsampled chroma (for GPU colour conversion).</summary>
    Yuv420p,
}

/// <summary>Plane layout of each <see cref="PixelFormat"/>. Rows are padded to 32 bytes.</summary>
public static class PixelFormats
{
    public const int RowAlignment = 32;

    /// <summary>FFmpeg's name of the format.</summary>
    public static string FfmpegName(this PixelFormat f) => f switch
    {
        PixelFormat.Rgb24 => "rgb24", PixelFormat.Bgr24 => "bgr24", PixelFormat.Rgba => "rgba", PixelFormat.Yuv420p => "yuv420p",
        _ => throw new ArgumentOutOfRangeException(nameof(f)),
    };

    public static int PlaneCount(this PixelFormat f) => f == PixelFormat.Yuv420p ? 3 : 1;

    /// <summary>Bytes per pixel of a packed format (1 for each planar plane).</summary>
    public static int BytesPerPixel(this PixelFormat f) => f switch { PixelFormat.Rgba => 4, PixelFormat.Yuv420p => 1, _ => 3 };

    /// <summary>Width and height of plane <paramref name="plane"/> for a frame of the given size.</summary>
    public static (int Width, int Height) PlaneSize(this PixelFormat f, int plane, int width, int height) =>
        plane == 0 ? (width, height) : ((width + 1) / 2, (height + 1) / 2);

    /// <summary>Row stride (bytes) of a plane, padded to <see cref="RowAlignment"/>.</summary>
    public static int PlaneStride(this PixelFormat f, int plane, int width, int height) =>
        (f.PlaneSize(plane, width, height).Width * f.BytesPerPixel() + RowAlignment - 1) / RowAlignment * RowAlignment;

    /// <summary>
    /// Slack after every plane of a frame buffer, for native converters whose vector stores overshoot a plane's last
    /// row (swscale: up to 32 bytes measured). Without it they would write into whatever the managed heap holds next.
    /// </summary>
    public const int PlanePadding = 64;

    /// <summary>Bytes of one plane: stride × rows (without <see cref="PlanePadding"/>).</summary>
    public static int PlaneBytes(this PixelFormat f, int plane, int width, int height) =>
        f.PlaneStride(plane, width, height) * f.PlaneSize(plane, width, height).Height;

    /// <summary>Total buffer bytes for all planes, each followed by <see cref="PlanePadding"/>.</summary>
    public static int BufferSize(this PixelFormat f, int width, int height)
    {
        int total = 0;
        for (int p = 0; p < f.PlaneCount(); p++) total += f.PlaneBytes(p, width, height) + PlanePadding;
        return total;
    }
}
