using System.Buffers;

namespace PoseLive.Pose.Geometry;

/// <summary>
/// Crop-and-resize of packed RGB24 frames into network input tensors, with bilinear sampling as
/// cv2.warpAffine(INTER_LINEAR, BORDER_CONSTANT 0) maps it: output pixel (x, y) samples the image at
/// InputToImage(x, y), pixel centres on integers, outside pixels read as 0. Weights are exact floats
/// (OpenCV quantises them to 1/32, so its values can differ by a fraction of a grey level). Several crops fill
/// consecutive batch entries of one tensor. Row strides of the frame are honoured. Each output row is
/// sampled into a scratch row, then written out in the tensor's layout.
/// </summary>
public static class CropSampler
{
    /// <summary>Fills float tensor <paramref name="output"/> [crops.Count, 3, H, W] with normalised crops.</summary>
    public static void Crop(ReadOnlySpan<byte> rgb, int width, int height, int stride, IReadOnlyList<TopDownCrop> crops,
        InputNormalization normalization, Span<float> output)
    {
        if (crops.Count == 0) return;
        Check(rgb, width, height, stride, crops, output.Length, crops[0].InputWidth, crops[0].InputHeight);
        Warp(rgb, width, height, stride, crops.Select(c => c.InputToImage).ToArray(), crops[0].InputWidth, crops[0].InputHeight, normalization, output, nhwc: false);
    }

    /// <summary>
    /// The general form: each output image n (w×h) samples the frame at maps[n](x, y); written as NCHW
    /// (or NHWC when <paramref name="nhwc"/>) normalised floats.
    /// </summary>
    public static void Warp(ReadOnlySpan<byte> rgb, int width, int height, int stride, IReadOnlyList<Affine2D> maps, int w, int h,
        InputNormalization normalization, Span<float> output, bool nhwc)
    {
        if (maps.Count == 0) return;
        int plane = w * h;
        if (stride < width * 3 || rgb.Length < stride * (height - 1) + width * 3)
            throw new ArgumentException($"Frame buffer too small for {width}x{height} RGB24 with stride {stride}.");
        if (output.Length < maps.Count * 3 * plane)
            throw new ArgumentException($"Output holds {output.Length} values; {maps.Count} images of 3x{h}x{w} need {maps.Count * 3 * plane}.");
        Span<float> scale = stackalloc float[3];
        Span<float> offset = stackalloc float[3];
        Span<int> source = stackalloc int[3];
        for (int c = 0; c < 3; c++) (source[c], scale[c], offset[c]) = normalization.Channel(c);
        var rowBuffer = ArrayPool<float>.Shared.Rent(w * 3);
        try
        {
            var row = rowBuffer.AsSpan(0, w * 3);
            for (int n = 0; n < maps.Count; n++)
            {
                var m = maps[n];
                var outN = output.Slice(n * 3 * plane, 3 * plane);
                for (int y = 0; y < h; y++)
                {
                    SampleRow(rgb, width, height, stride, m, y, row);
                    if (nhwc)
                    {
                        var dst = outN.Slice(y * w * 3, w * 3);
                        for (int x = 0; x < w; x++)
                            for (int c = 0; c < 3; c++) dst[x * 3 + c] = row[x * 3 + source[c]] * scale[c] + offset[c];
                        continue;
                    }
                    for (int c = 0; c < 3; c++)
                    {
                        var dst = outN.Slice(c * plane + y * w, w);
                        int s = source[c];
                        float a = scale[c], b = offset[c];
                        for (int x = 0; x < w; x++) dst[x] = row[x * 3 + s] * a + b;
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rowBuffer);
        }
    }

    /// <summary>Fills int32 tensor <paramref name="output"/> [crops.Count, H, W, 3] (NHWC, RGB, 0..255 rounded): MoveNet's input.</summary>
    public static void CropNhwcInt32(ReadOnlySpan<byte> rgb, int width, int height, int stride, IReadOnlyList<TopDownCrop> crops, Span<int> output)
    {
        if (crops.Count == 0) return;
        int w = crops[0].InputWidth, h = crops[0].InputHeight;
        Check(rgb, width, height, stride, crops, output.Length, w, h);
        var rowBuffer = ArrayPool<float>.Shared.Rent(w * 3);
        try
        {
            var row = rowBuffer.AsSpan(0, w * 3);
            for (int n = 0; n < crops.Count; n++)
            {
                var m = crops[n].InputToImage;
                for (int y = 0; y < h; y++)
                {
                    SampleRow(rgb, width, height, stride, m, y, row);
                    var dst = output.Slice((n * h + y) * w * 3, w * 3);
                    for (int i = 0; i < dst.Length; i++) dst[i] = (int)(row[i] + 0.5f);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rowBuffer);
        }
    }

    private static void Check(ReadOnlySpan<byte> rgb, int width, int height, int stride, IReadOnlyList<TopDownCrop> crops, int outputLength, int w, int h)
    {
        if (stride < width * 3 || rgb.Length < stride * (height - 1) + width * 3)
            throw new ArgumentException($"Frame buffer too small for {width}x{height} RGB24 with stride {stride}.");
        for (int i = 0; i < crops.Count; i++)                                   // no enumerator: live frames allocate nothing
            if (crops[i].InputWidth != w || crops[i].InputHeight != h) throw new ArgumentException("All crops of one batch must have the same input size.");
        if (outputLength < crops.Count * 3 * w * h)
            throw new ArgumentException($"Output holds {outputLength} values; {crops.Count} crops of 3x{h}x{w} need {crops.Count * 3 * w * h}.");
    }

    /// <summary>Samples output row <paramref name="y"/> into <paramref name="row"/> as interleaved R,G,B floats (0..255).</summary>
    private static void SampleRow(ReadOnlySpan<byte> rgb, int width, int height, int stride, Affine2D m, int y, Span<float> row)
    {
        int w = row.Length / 3;
        double rowX = m.B * y + m.C, rowY = m.E * y + m.F; // source coordinates are affine in x: computed exactly per pixel
        for (int x = 0; x < w; x++)
        {
            double sx = rowX + m.A * x, sy = rowY + m.D * x;
            int x0 = (int)Math.Floor(sx), y0 = (int)Math.Floor(sy);
            float fx = (float)(sx - x0), fy = (float)(sy - y0);
            float r, g, b;
            if ((uint)x0 < (uint)(width - 1) && (uint)y0 < (uint)(height - 1))
            {
                int i00 = y0 * stride + x0 * 3, i10 = i00 + stride;
                float w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy), w10 = (1 - fx) * fy, w11 = fx * fy;
                r = rgb[i00] * w00 + rgb[i00 + 3] * w01 + rgb[i10] * w10 + rgb[i10 + 3] * w11;
                g = rgb[i00 + 1] * w00 + rgb[i00 + 4] * w01 + rgb[i10 + 1] * w10 + rgb[i10 + 4] * w11;
                b = rgb[i00 + 2] * w00 + rgb[i00 + 5] * w01 + rgb[i10 + 2] * w10 + rgb[i10 + 5] * w11;
            }
            else
            {
                r = g = b = 0;
                for (int dy = 0; dy < 2; dy++)
                for (int dx = 0; dx < 2; dx++)
                {
                    int xx = x0 + dx, yy = y0 + dy;
                    if ((uint)xx >= (uint)width || (uint)yy >= (uint)height) continue; // border: constant 0
                    float wgt = (dx == 0 ? 1 - fx : fx) * (dy == 0 ? 1 - fy : fy);
                    int i = yy * stride + xx * 3;
                    r += rgb[i] * wgt; g += rgb[i + 1] * wgt; b += rgb[i + 2] * wgt;
                }
            }
            row[x * 3] = r;
            row[x * 3 + 1] = g;
            row[x * 3 + 2] = b;
        }
    }
}
