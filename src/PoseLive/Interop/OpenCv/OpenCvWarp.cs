using OpenCvSharp;
using PoseLive.Pose.Geometry;

namespace PoseLive.Interop.OpenCv;

/// <summary>
/// cv2.warpAffine (INTER_LINEAR, BORDER_CONSTANT 0) of a packed RGB24 frame held in a span (pinned for the call;
/// OpenCV reads it through a Mat header, no copy) into a thread-local 8-bit H×W×3 crop; the returned span views
/// that crop and is valid until the next warp on the same thread.
/// </summary>
internal static class OpenCvWarp
{
    [ThreadStatic] private static Mat? t_crop;
    [ThreadStatic] private static double[]? t_matrix;

    public static unsafe ReadOnlySpan<byte> Warp(ReadOnlySpan<byte> rgb, int width, int height, int stride, Affine2D imageToInput, int w, int h)
    {
        if (stride < width * 3 || rgb.Length < stride * (height - 1) + width * 3)
            throw new ArgumentException($"Frame buffer too small for {width}x{height} RGB24 with stride {stride}.");
        var crop = t_crop is { } c && c.Cols == w && c.Rows == h ? c : Replace(ref t_crop, new Mat(h, w, MatType.CV_8UC3));
        var m = t_matrix ??= new double[6];
        (m[0], m[1], m[2], m[3], m[4], m[5]) = (imageToInput.A, imageToInput.B, imageToInput.C, imageToInput.D, imageToInput.E, imageToInput.F);
        fixed (byte* pixels = rgb)
        fixed (double* matrix = m)
        {
            using var frame = Mat.FromPixelData(height, width, MatType.CV_8UC3, (nint)pixels, stride);
            using var affine = Mat.FromPixelData(2, 3, MatType.CV_64FC1, (nint)matrix);
            Cv2.WarpAffine(frame, crop, affine, new Size(w, h), InterpolationFlags.Linear, BorderTypes.Constant, Scalar.All(0));
        }
        if (!crop.IsContinuous()) throw new InvalidOperationException("OpenCV returned a non-continuous crop");
        return new ReadOnlySpan<byte>((void*)crop.Data, w * h * 3);
    }

    private static Mat Replace(ref Mat? slot, Mat fresh)
    {
        slot?.Dispose();
        slot = fresh;
        return fresh;
    }
}
