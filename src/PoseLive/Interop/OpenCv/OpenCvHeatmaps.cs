using OpenCvSharp;
using PoseLive.Pose.Geometry;

namespace PoseLive.Interop.OpenCv;

/// <summary>OpenCV operations on float heatmap planes (K×H×W, row-major), viewed in place through Mat headers.</summary>
internal static class OpenCvHeatmaps
{
    /// <summary>
    /// dst(p) = src(<paramref name="dstToSrc"/>·p) for every plane, bilinear, 0 outside (cv2.warpAffine with
    /// WARP_INVERSE_MAP): resamples heatmaps predicted in one crop into another crop's frame.
    /// </summary>
    public static unsafe void Warp(ReadOnlySpan<float> src, Span<float> dst, int planes, int width, int height, Affine2D dstToSrc)
    {
        int plane = width * height;
        if (src.Length < planes * plane || dst.Length < planes * plane) throw new ArgumentException($"Heatmaps hold fewer than {planes}x{height}x{width} values.");
        var m = new[] { dstToSrc.A, dstToSrc.B, dstToSrc.C, dstToSrc.D, dstToSrc.E, dstToSrc.F };
        fixed (float* s = src)
        fixed (float* d = dst)
        fixed (double* mp = m)
        {
            using var affine = Mat.FromPixelData(2, 3, MatType.CV_64FC1, (nint)mp);
            for (int k = 0; k < planes; k++)
            {
                using var from = Mat.FromPixelData(height, width, MatType.CV_32FC1, (nint)(s + k * plane));
                using var to = Mat.FromPixelData(height, width, MatType.CV_32FC1, (nint)(d + k * plane));
                Cv2.WarpAffine(from, to, affine, new Size(width, height), InterpolationFlags.Linear | InterpolationFlags.WarpInverseMap, BorderTypes.Constant, Scalar.All(0));
            }
        }
    }
}
