using OpenCvSharp;

namespace PoseLive.Interop.OpenCv;

/// <summary>OpenCV image operations on packed RGB24 buffers held in spans (pinned for the call, viewed through Mat headers).</summary>
internal static class OpenCvImage
{
    /// <summary>JPEG (quality 1–100) or PNG bytes of an RGB image; OpenCV's codecs (libjpeg, libpng) are deterministic.</summary>
    public static unsafe byte[] Encode(ReadOnlySpan<byte> rgb, int width, int height, bool jpeg, int quality = 95)
    {
        Check(rgb.Length, width, height);
        fixed (byte* p = rgb)
        {
            using var view = Mat.FromPixelData(height, width, MatType.CV_8UC3, (nint)p);
            using var bgr = new Mat();
            Cv2.CvtColor(view, bgr, ColorConversionCodes.RGB2BGR);
            var parameters = jpeg ? new[] { new ImageEncodingParam(ImwriteFlags.JpegQuality, quality) } : [new ImageEncodingParam(ImwriteFlags.PngCompression, 3)];
            Cv2.ImEncode(jpeg ? ".jpg" : ".png", bgr, out var bytes, parameters);
            if (bytes is null || bytes.Length == 0) throw new InvalidOperationException($"OpenCV could not encode a {width}x{height} {(jpeg ? "JPEG" : "PNG")}");
            return bytes;
        }
    }

    /// <summary>PNG bytes of an 8-bit single-channel image (a mask).</summary>
    public static unsafe byte[] EncodeGray(ReadOnlySpan<byte> gray, int width, int height)
    {
        if (gray.Length < width * height) throw new ArgumentException($"Mask holds {gray.Length} bytes, {width}x{height} expected.");
        fixed (byte* p = gray)
        {
            using var view = Mat.FromPixelData(height, width, MatType.CV_8UC1, (nint)p);
            Cv2.ImEncode(".png", view, out var bytes, new ImageEncodingParam(ImwriteFlags.PngCompression, 3));
            return bytes;
        }
    }

    /// <summary>Linear motion blur in place: a line kernel of <paramref name="length"/> pixels at <paramref name="angleDegrees"/>.</summary>
    public static unsafe void MotionBlur(Span<byte> rgb, int width, int height, int length, double angleDegrees)
    {
        Check(rgb.Length, width, height);
        if (length < 2) return;
        int size = length | 1;
        using var kernel = new Mat(size, size, MatType.CV_32FC1, Scalar.All(0));
        double c = Math.Cos(angleDegrees * Math.PI / 180), s = Math.Sin(angleDegrees * Math.PI / 180);
        int centre = size / 2;
        for (int i = 0; i < length; i++)
        {
            double t = i - (length - 1) / 2.0;
            int x = (int)Math.Round(centre + t * c), y = (int)Math.Round(centre + t * s);
            kernel.Set(y, x, kernel.At<float>(y, x) + 1f);
        }
        Cv2.Normalize(kernel, kernel, 1, 0, NormTypes.L1);
        fixed (byte* p = rgb)
        {
            using var view = Mat.FromPixelData(height, width, MatType.CV_8UC3, (nint)p);
            using var blurred = new Mat();
            Cv2.Filter2D(view, blurred, -1, kernel, borderType: BorderTypes.Reflect101);
            blurred.CopyTo(view);
        }
    }

    /// <summary>Adds Gaussian noise of σ <paramref name="sigma"/> grey levels in place, drawn from OpenCV's RNG seeded with <paramref name="seed"/>.</summary>
    public static unsafe void AddNoise(Span<byte> rgb, int width, int height, double sigma, ulong seed)
    {
        Check(rgb.Length, width, height);
        using var noise = new Mat(height, width, MatType.CV_16SC3);
        var rng = new RNG(seed);
        rng.Fill(noise, DistributionType.Normal, Scalar.All(0), Scalar.All(sigma));
        fixed (byte* p = rgb)
        {
            using var view = Mat.FromPixelData(height, width, MatType.CV_8UC3, (nint)p);
            using var sum = new Mat();
            Cv2.Add(view, noise, sum, null, MatType.CV_8UC3.Value);   // saturating
            sum.CopyTo(view);
        }
    }

    /// <summary>Area-resized copy (for textures), packed RGB24.</summary>
    public static unsafe byte[] Resize(ReadOnlySpan<byte> rgb, int width, int height, int stride, int newWidth, int newHeight)
    {
        fixed (byte* p = rgb)
        {
            using var view = Mat.FromPixelData(height, width, MatType.CV_8UC3, (nint)p, stride);
            using var small = new Mat();
            Cv2.Resize(view, small, new Size(newWidth, newHeight), 0, 0, InterpolationFlags.Area);
            var result = new byte[newWidth * newHeight * 3];
            fixed (byte* q = result)
            {
                using var target = Mat.FromPixelData(newHeight, newWidth, MatType.CV_8UC3, (nint)q);
                small.CopyTo(target);
            }
            return result;
        }
    }

    private static void Check(int length, int width, int height)
    {
        if (length < width * height * 3) throw new ArgumentException($"RGB buffer holds {length} bytes, {width}x{height}x3 expected.");
    }
}
