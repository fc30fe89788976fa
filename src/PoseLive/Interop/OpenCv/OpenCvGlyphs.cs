using OpenCvSharp;

namespace PoseLive.Interop.OpenCv;

/// <summary>
/// Printable ASCII (32–126) rasterised once with OpenCV's Hershey Simplex font (anti-aliased) into a grey atlas:
/// one cell per glyph in a row, each glyph's advance measured by OpenCV, for the GL text layer.
/// </summary>
internal static class OpenCvGlyphs
{
    public const char First = ' ', Last = '~';

    /// <summary>The atlas (row-major, 8-bit coverage), its cell size, the baseline within a cell, and each glyph's advance in pixels.</summary>
    public static (byte[] Pixels, int CellWidth, int CellHeight, int Baseline, int[] Advances) Rasterise(double scale = 0.5, int thickness = 1)
    {
        int count = Last - First + 1;
        var advances = new int[count];
        int maxWidth = 1, ascent = 1, baseline = 0;
        for (int i = 0; i < count; i++)
        {
            var size = Cv2.GetTextSize(((char)(First + i)).ToString(), HersheyFonts.HersheySimplex, scale, thickness, out int below);
            advances[i] = Math.Max(1, size.Width);
            maxWidth = Math.Max(maxWidth, size.Width);
            ascent = Math.Max(ascent, size.Height);
            baseline = Math.Max(baseline, below);
        }
        int cellW = maxWidth + 2, cellH = ascent + baseline + 4, origin = ascent + 2;
        using var atlas = new Mat(cellH, cellW * count, MatType.CV_8UC1, Scalar.All(0));
        for (int i = 0; i < count; i++)
            Cv2.PutText(atlas, ((char)(First + i)).ToString(), new Point(i * cellW + 1, origin), HersheyFonts.HersheySimplex, scale, Scalar.All(255), thickness, LineTypes.AntiAlias);
        var pixels = new byte[cellH * cellW * count];
        atlas.GetArray(out byte[] data);
        data.CopyTo(pixels, 0);
        return (pixels, cellW, cellH, origin, advances);
    }
}
