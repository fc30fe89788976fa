using OpenCvSharp;

namespace PoseLive.Interop.OpenCv;

/// <summary>Pyramidal Lucas–Kanade optical flow of points between two 8-bit grey frames (cv2.calcOpticalFlowPyrLK).</summary>
internal static class OpenCvFlow
{
    /// <summary>
    /// Tracks <paramref name="points"/> from <paramref name="previous"/> to <paramref name="next"/> (both W×H grey, rows
    /// packed) with a <paramref name="window"/>² window over <paramref name="levels"/> pyramid levels and CC-SSL's criteria
    /// (10 iterations or ε 0.03); returns each point's new position and whether it was found.
    /// </summary>
    public static unsafe (float X, float Y, bool Found)[] Track(ReadOnlySpan<byte> previous, ReadOnlySpan<byte> next, int width, int height,
        ReadOnlySpan<(float X, float Y)> points, int window = 15, int levels = 2)
    {
        if (previous.Length < width * height || next.Length < width * height) throw new ArgumentException($"Frames hold fewer than {width}x{height} bytes.");
        var result = new (float, float, bool)[points.Length];
        if (points.Length == 0) return result;
        var from = new Point2f[points.Length];
        for (int i = 0; i < points.Length; i++) from[i] = new Point2f(points[i].X, points[i].Y);
        var to = new Point2f[points.Length];
        fixed (byte* a = previous)
        fixed (byte* b = next)
        {
            using var prev = Mat.FromPixelData(height, width, MatType.CV_8UC1, (nint)a);
            using var cur = Mat.FromPixelData(height, width, MatType.CV_8UC1, (nint)b);
            Cv2.CalcOpticalFlowPyrLK(prev, cur, from, ref to, out var status, out _, new Size(window, window), levels,
                new TermCriteria(CriteriaTypes.Eps | CriteriaTypes.Count, 10, 0.03));
            for (int i = 0; i < points.Length; i++) result[i] = (to[i].X, to[i].Y, status[i] != 0);
        }
        return result;
    }
}
