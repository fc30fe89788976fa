namespace PoseLive.Pose.Codecs;

/// <summary>Shared heatmap operations of the codecs: Gaussian targets, argmax, blur, Taylor refinement.</summary>
public static class HeatmapMath
{
    /// <summary>Index and value of the first maximum of a heatmap (row-major, as numpy's argmax).</summary>
    public static (int X, int Y, float Value) Argmax(ReadOnlySpan<float> map, int width)
    {
        int best = 0;
        float bestValue = float.NegativeInfinity;
        for (int i = 0; i < map.Length; i++)
            if (map[i] > bestValue) { bestValue = map[i]; best = i; }
        return (best % width, best / width, bestValue);
    }

    /// <summary>
    /// Draws exp(−((x−μx)² + (y−μy)²) / 2σ²) into <paramref name="map"/> within the (6σ+1)-wide window
    /// around (round(μx), round(μy)) (everything else 0). Returns false when the window misses the map.
    /// </summary>
    public static bool DrawGaussian(Span<float> map, int width, int height, double muX, double muY, double sigma)
    {
        map.Clear();
        int radius = (int)Math.Ceiling(3 * sigma);
        int cx = (int)Math.Floor(muX + 0.5), cy = (int)Math.Floor(muY + 0.5);
        int x0 = cx - radius, y0 = cy - radius, x1 = cx + radius, y1 = cy + radius;
        if (x0 >= width || y0 >= height || x1 < 0 || y1 < 0) return false;
        double inv = 1.0 / (2 * sigma * sigma);
        for (int y = Math.Max(0, y0); y <= Math.Min(height - 1, y1); y++)
        {
            double dy2 = (y - muY) * (y - muY);
            for (int x = Math.Max(0, x0); x <= Math.Min(width - 1, x1); x++)
                map[y * width + x] = (float)Math.Exp(-((x - muX) * (x - muX) + dy2) * inv);
        }
        return true;
    }

    /// <summary>
    /// In-place Gaussian blur with OpenCV's kernel for size <paramref name="kernel"/> (σ = 0.3((k−1)/2 − 1) + 0.8)
    /// and zero padding, then rescaled so its maximum equals the original maximum (DARK's modulation).
    /// </summary>
    public static void BlurPreservingMax(Span<float> map, int width, int height, int kernel, Span<float> scratch)
    {
        if (kernel < 3 || kernel % 2 == 0) throw new ArgumentException("Blur kernel must be odd and ≥ 3.", nameof(kernel));
        if (scratch.Length < map.Length) throw new ArgumentException("Scratch buffer too small.", nameof(scratch));
        float originalMax = float.NegativeInfinity;
        foreach (var v in map) originalMax = Math.Max(originalMax, v);
        int r = kernel / 2;
        double sigma = 0.3 * ((kernel - 1) * 0.5 - 1) + 0.8;
        Span<float> k = stackalloc float[kernel];
        double sum = 0;
        for (int i = 0; i < kernel; i++) sum += k[i] = (float)Math.Exp(-(i - r) * (i - r) / (2 * sigma * sigma));
        for (int i = 0; i < kernel; i++) k[i] = (float)(k[i] / sum);
        var tmp = scratch[..map.Length];
        tmp.Clear();
        // horizontal pass: each tap adds a shifted copy of the row (zero padding = clipped ranges), SIMD
        for (int y = 0; y < height; y++)
        {
            var src = map.Slice(y * width, width);
            var dst = tmp.Slice(y * width, width);
            for (int i = -r; i <= r; i++)
            {
                int from = Math.Max(0, -i), to = Math.Min(width, width - i); // dst[x] += k · src[x + i]
                if (to > from) AddScaled(dst[from..to], src[(from + i)..(to + i)], k[i + r]);
            }
        }
        // vertical pass: each tap adds a shifted row, SIMD along the row
        map.Clear();
        for (int y = 0; y < height; y++)
        {
            var dst = map.Slice(y * width, width);
            for (int i = -r; i <= r; i++)
            {
                int yy = y + i;
                if ((uint)yy < (uint)height) AddScaled(dst, tmp.Slice(yy * width, width), k[i + r]);
            }
        }
        float blurredMax = float.NegativeInfinity;
        foreach (var v in map) blurredMax = Math.Max(blurredMax, v);
        if (blurredMax > 0)
        {
            float f = originalMax / blurredMax;
            for (int i = 0; i < map.Length; i++) map[i] *= f;
        }
    }

    /// <summary>acc[i] += k · src[i], vectorised.</summary>
    public static void AddScaled(Span<float> acc, ReadOnlySpan<float> src, float k)
    {
        int i = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated && acc.Length >= System.Numerics.Vector<float>.Count)
        {
            var vk = new System.Numerics.Vector<float>(k);
            int n = System.Numerics.Vector<float>.Count;
            for (; i <= acc.Length - n; i += n)
                (new System.Numerics.Vector<float>(acc[i..]) + vk * new System.Numerics.Vector<float>(src[i..])).CopyTo(acc[i..]);
        }
        for (; i < acc.Length; i++) acc[i] += k * src[i];
    }

    /// <summary>
    /// The blurred value (zero padding, OpenCV kernel of size <paramref name="kernel"/>) at one pixel.
    /// Unnormalised by the max: a constant factor, which a log-domain derivative ignores.
    /// </summary>
    public static float BlurredAt(ReadOnlySpan<float> map, int width, int height, int x, int y, ReadOnlySpan<float> kernel1D)
    {
        int r = kernel1D.Length / 2;
        float acc = 0;
        for (int j = -r; j <= r; j++)
        {
            int yy = y + j;
            if ((uint)yy >= (uint)height) continue;
            float row = 0;
            for (int i = -r; i <= r; i++)
            {
                int xx = x + i;
                if ((uint)xx < (uint)width) row += map[yy * width + xx] * kernel1D[i + r];
            }
            acc += row * kernel1D[j + r];
        }
        return acc;
    }

    /// <summary>OpenCV's 1-D Gaussian kernel for an odd size (σ = 0.3((k−1)/2 − 1) + 0.8), normalised.</summary>
    public static float[] GaussianKernel(int size)
    {
        if (size < 3 || size % 2 == 0) throw new ArgumentException("Blur kernel must be odd and ≥ 3.", nameof(size));
        int r = size / 2;
        double sigma = 0.3 * ((size - 1) * 0.5 - 1) + 0.8, sum = 0;
        var k = new double[size];
        for (int i = 0; i < size; i++) sum += k[i] = Math.Exp(-(i - r) * (i - r) / (2 * sigma * sigma));
        return k.Select(v => (float)(v / sum)).ToArray();
    }

    /// <summary>
    /// DARK's second-order Taylor step on a log-heatmap at integer (px, py): μ = p − H⁻¹∇ with central
    /// differences (second derivatives over ±2). Applied only when 1 &lt; px &lt; W−2 and 1 &lt; py &lt; H−2
    /// and the Hessian is invertible; otherwise returns (px, py).
    /// </summary>
    public static (double X, double Y) TaylorRefine(ReadOnlySpan<float> logMap, int width, int height, int px, int py, bool checkBorder = true)
    {
        if (checkBorder && !(1 < px && px < width - 2 && 1 < py && py < height - 2)) return (px, py);
        int c = py * width + px;
        double dx = 0.5 * (logMap[c + 1] - logMap[c - 1]);
        double dy = 0.5 * (logMap[c + width] - logMap[c - width]);
        double dxx = 0.25 * (logMap[c + 2] - 2 * logMap[c] + logMap[c - 2]);
        double dxy = 0.25 * (logMap[c + width + 1] - logMap[c - width + 1] - logMap[c + width - 1] + logMap[c - width - 1]);
        double dyy = 0.25 * (logMap[c + 2 * width] - 2 * logMap[c] + logMap[c - 2 * width]);
        double det = dxx * dyy - dxy * dxy;
        if (det == 0) return (px, py);
        double ox = -(dyy * dx - dxy * dy) / det;
        double oy = -(-dxy * dx + dxx * dy) / det;
        return (px + ox, py + oy);
    }
}
