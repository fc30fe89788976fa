namespace PoseLive.Pose;

/// <summary>How a flipped-back heatmap is aligned with the original before averaging.</summary>
public enum FlipAlignment
{
    /// <summary>No shift (right for UDP; leaves (s−1)/s = 0.75 px at stride 4 under the standard convention).</summary>
    None,
    /// <summary>The classical one-pixel shift to the right (SimpleBaseline/HRNet); leaves +0.25 px at stride 4.</summary>
    ShiftOnePixel,
}

/// <summary>
/// Flip-test utilities: mirror network inputs, map the flipped output back (mirror, swap left/right
/// channels, negate x-offset channels, align) and average it with the original output.
/// Layouts: inputs [C, H, W]; outputs [K·C, H, W] with C channels per keypoint.
/// </summary>
public static class FlipTest
{
    /// <summary>Mirrors each plane of a [planes, H, W] tensor horizontally into <paramref name="destination"/>.</summary>
    public static void MirrorPlanes(ReadOnlySpan<float> source, Span<float> destination, int width, int height)
    {
        if (destination.Length < source.Length) throw new ArgumentException("Destination too small.", nameof(destination));
        for (int row = 0; row < source.Length / width; row++)
        {
            var s = source.Slice(row * width, width);
            var d = destination.Slice(row * width, width);
            for (int x = 0; x < width; x++) d[x] = s[width - 1 - x];
        }
    }

    /// <summary>
    /// Maps the output of the flipped input back onto the original: mirrors every channel, moves each
    /// keypoint's channels to its flip partner (<paramref name="flipIndex"/>, from the schema), negates
    /// x-offset channels (channel 1 of a 3-channel keypoint: [map, offset x, offset y]) and applies
    /// <paramref name="alignment"/> to the map channel.
    /// </summary>
    public static void FlipBack(ReadOnlySpan<float> flippedOutput, Span<float> destination, int width, int height,
        int channelsPerKeypoint, ReadOnlySpan<int> flipIndex, FlipAlignment alignment)
    {
        int plane = width * height, per = channelsPerKeypoint * plane;
        if (flippedOutput.Length != flipIndex.Length * per || destination.Length < flippedOutput.Length)
            throw new ArgumentException($"Output of {flippedOutput.Length} values does not match {flipIndex.Length} keypoints × {channelsPerKeypoint} × {height}×{width}.");
        for (int k = 0; k < flipIndex.Length; k++)
        {
            var src = flippedOutput.Slice(k * per, per);
            var dst = destination.Slice(flipIndex[k] * per, per);
            MirrorPlanes(src, dst, width, height);
            if (channelsPerKeypoint == 3)
            {
                var offX = dst.Slice(plane, plane);
                for (int i = 0; i < plane; i++) offX[i] = -offX[i];
            }
            if (alignment == FlipAlignment.ShiftOnePixel)
                for (int c = 0; c < channelsPerKeypoint; c++)
                {
                    var map = dst.Slice(c * plane, plane);
                    for (int y = 0; y < height; y++)
                    {
                        var row = map.Slice(y * width, width);
                        row[..^1].CopyTo(row[1..]); // out[x] = in[x−1]; column 0 keeps its value
                    }
                }
        }
    }

    /// <summary>Averages the original output and the flipped-back one into <paramref name="original"/>.</summary>
    public static void Average(Span<float> original, ReadOnlySpan<float> flippedBack)
    {
        if (flippedBack.Length != original.Length) throw new ArgumentException("Lengths differ.");
        for (int i = 0; i < original.Length; i++) original[i] = 0.5f * (original[i] + flippedBack[i]);
    }
}
