namespace PoseLive.Pose.Codecs;

/// <summary>
/// MoveNet's four heads as a codec pair, so fine-tuning and serving read the heads the same way. Per instance the
/// layout is <c>[heatmaps K, centre 1, regression 2K, offsets 2K, served centre 1]</c> on the H×W cell grid
/// (stride = input / cells), each (y, x) pair in cells as <see cref="MoveNetDecoder"/> reads them:
/// <list type="bullet">
/// <item>heatmaps: a Gaussian (peak exactly 1) at each labelled keypoint's cell, floor(position / stride);</item>
/// <item>centre: the same Gaussian at the person centre's cell: the centre of the instance box when the sampler gives
/// it (<see cref="IPersonCentredCodec"/>), else of the labelled keypoints' box;</item>
/// <item>regression: at the centre cell, keypoint position − centre cell, in cells;</item>
/// <item>offsets: position − cell, at every cell of the keypoint's neighbourhood (where its heatmap target is at least
/// <see cref="OffsetSupport"/>): MoveNet's decoder reads the offset at the distance-weighted argmax, which may be a
/// neighbour of the peak, and the pretrained heads hold position − cell around each keypoint (checked on Thunder);</item>
/// <item>served centre: what the served graph outputs as "centers" (the centre map weighted towards the image
/// centre); decode reads it, encode writes the centre target there too (no loss reads it).</item>
/// </list>
/// The Gaussian's σ follows CenterNet: the CornerNet radius of the person box (the same two sources, min IoU 0.7), σ = (2r + 1) / 6.
/// Decode is MoveNet's own: the centre argmax, regressed positions, distance-weighted heatmap argmax, offset.
/// Encode → decode returns each labelled keypoint exactly (to float rounding) when it lies inside the grid.
/// </summary>
public sealed class MoveNetCodec : KeypointCodecBase, IPersonCentredCodec
{
    public MoveNetCodec(int inputSize, int cells, int keypoints, double minOverlap = 0.7) : base(inputSize, inputSize, cells, cells)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keypoints, 1);
        Keypoints = keypoints;
        MinOverlap = minOverlap;
    }

    /// <summary>Heatmap-target level that bounds a keypoint's offset neighbourhood (0.3: within 1.55σ of the peak cell).</summary>
    public const float OffsetSupport = 0.3f;

    public int Keypoints { get; }
    public double MinOverlap { get; }
    public override string Name => "movenet";

    /// <summary>Planes per instance: 5K + 2 (see the layout above).</summary>
    public override int ChannelsPerKeypoint => 5;
    public override int OutputChannels(int keypoints) => 5 * keypoints + 2;

    private double Stride => (double)InputWidth / HeatmapWidth;

    /// <summary>CornerNet's gaussian_radius: the largest corner shift that keeps IoU ≥ <paramref name="minOverlap"/> for a box of h×w cells.</summary>
    public static double GaussianRadius(double height, double width, double minOverlap)
    {
        double b1 = height + width, c1 = width * height * (1 - minOverlap) / (1 + minOverlap);
        double r1 = (b1 + Math.Sqrt(b1 * b1 - 4 * c1)) / 2;
        double b2 = 2 * (height + width), c2 = (1 - minOverlap) * width * height;
        double r2 = (b2 + Math.Sqrt(b2 * b2 - 16 * c2)) / 2;
        double a3 = 4 * minOverlap, b3 = -2 * minOverlap * (height + width), c3 = (minOverlap - 1) * width * height;
        double r3 = (b3 + Math.Sqrt(b3 * b3 - 4 * a3 * c3)) / 2;
        return Math.Min(r1, Math.Min(r2, r3));
    }

    /// <summary>The target σ in cells for a person box of <paramref name="height"/>×<paramref name="width"/> input pixels.</summary>
    public double SigmaFor(double height, double width)
    {
        double r = Math.Max(0, Math.Floor(GaussianRadius(height / Stride, width / Stride, MinOverlap)));
        return (2 * r + 1) / 6;
    }

    public override void Encode(ReadOnlySpan<Keypoint> keypoints, Span<float> target, Span<float> weights) => Encode(keypoints, null, target, weights);

    public void Encode(ReadOnlySpan<Keypoint> keypoints, BoundingBox person, Span<float> target, Span<float> weights) => Encode(keypoints, (BoundingBox?)person, target, weights);

    private void Encode(ReadOnlySpan<Keypoint> keypoints, BoundingBox? person, Span<float> target, Span<float> weights)
    {
        int k = Keypoints, plane = Plane, cells = HeatmapWidth;
        if (keypoints.Length != k || weights.Length < k || target.Length != OutputChannels(k) * plane)
            throw new ArgumentException($"MoveNet targets hold {OutputChannels(k)} planes of {cells}x{cells} for {k} keypoints");
        target.Clear();
        weights[..k].Clear();
        if (BoundingBox.Around(keypoints) is null) return; // nobody labelled: no targets
        var b = person ?? BoundingBox.Around(keypoints)!.Value;
        double sigma = SigmaFor(Math.Max(b.Height, 1), Math.Max(b.Width, 1));
        var (px, py) = (b.X + b.Width / 2, b.Y + b.Height / 2);
        int cx = Math.Clamp((int)Math.Floor(px / Stride), 0, cells - 1);
        int cy = Math.Clamp((int)Math.Floor(py / Stride), 0, cells - 1);
        var centre = target.Slice(k * plane, plane);
        HeatmapMath.DrawGaussian(centre, cells, cells, cx, cy, sigma);
        centre.CopyTo(target.Slice((5 * k + 1) * plane, plane));
        int c = cy * cells + cx;
        for (int j = 0; j < k; j++)
        {
            var kp = keypoints[j];
            if (kp.IsMissing || kp.Score <= 0) continue;
            double mx = kp.X / Stride, my = kp.Y / Stride;
            int kx = (int)Math.Floor(mx), ky = (int)Math.Floor(my);
            if (kx < 0 || ky < 0 || kx >= cells || ky >= cells) continue;
            var heat = target.Slice(j * plane, plane);
            HeatmapMath.DrawGaussian(heat, cells, cells, kx, ky, sigma);
            target[(k + 1 + 2 * j) * plane + c] = (float)(my - cy);
            target[(k + 2 + 2 * j) * plane + c] = (float)(mx - cx);
            var offY = target.Slice((3 * k + 1 + 2 * j) * plane, plane);
            var offX = target.Slice((3 * k + 2 + 2 * j) * plane, plane);
            for (int i = 0; i < plane; i++)
            {
                if (heat[i] < OffsetSupport) continue;
                offY[i] = (float)(my - i / cells);
                offX[i] = (float)(mx - i % cells);
            }
            weights[j] = 1;
        }
    }

    public override void Decode(ReadOnlySpan<float> output, Span<Keypoint> keypoints)
    {
        int k = Keypoints, plane = Plane;
        if (output.Length != OutputChannels(k) * plane || keypoints.Length != k)
            throw new ArgumentException($"MoveNet outputs hold {OutputChannels(k)} planes of {HeatmapWidth}x{HeatmapHeight} for {k} keypoints");
        MoveNetDecoder.Decode(output[..(k * plane)], output.Slice((5 * k + 1) * plane, plane), output.Slice((k + 1) * plane, 2 * k * plane),
            output.Slice((3 * k + 1) * plane, 2 * k * plane), k, HeatmapWidth, InputWidth, InputHeight, keypoints);
    }
}
