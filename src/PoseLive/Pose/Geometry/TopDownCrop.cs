namespace PoseLive.Pose.Geometry;

/// <summary>How crop coordinates relate to pixels (the contract between a codec and the crop).</summary>
public enum CropConvention
{
    /// <summary>SimpleBaseline/HRNet (MSRA): the box of size scale·200 maps onto the W×H input; its centre onto (W/2, H/2).</summary>
    Standard,
    /// <summary>UDP unit length: the box maps onto [0, W−1]×[0, H−1]; its centre onto ((W−1)/2, (H−1)/2).</summary>
    UnbiasedDataProcessing,
}

/// <summary>
/// A person crop for a top-down network: centre and scale (box size / 200, padded to the input aspect
/// and enlarged 1.25×), rotation in degrees, the network input size and the coordinate convention.
/// <see cref="ImageToInput"/> maps image pixels into the input; <see cref="InputToImage"/> maps decoded
/// keypoints back.
/// </summary>
public readonly record struct TopDownCrop(double CenterX, double CenterY, double ScaleX, double ScaleY, double Rotation,
    int InputWidth, int InputHeight, CropConvention Convention = CropConvention.Standard)
{
    public const double PixelStd = 200.0;
    public const double DefaultPadding = 1.25;

    /// <summary>
    /// The crop for a box: centre = box centre; the box is widened or heightened to the input aspect
    /// (W/H), then scale = size/200 × <paramref name="padding"/>.
    /// </summary>
    public static TopDownCrop FromBox(BoundingBox box, int inputWidth, int inputHeight, double padding = DefaultPadding,
        double rotation = 0, CropConvention convention = CropConvention.Standard)
    {
        if (!float.IsFinite(box.X) || !float.IsFinite(box.Y) || !float.IsFinite(box.Width) || !float.IsFinite(box.Height))
            throw new ArgumentException($"Box {box} is not finite.", nameof(box));
        // a degenerate box (a single keypoint, a zero-size detection) still gives a valid, invertible crop
        double w = Math.Max(box.Width, 1), h = Math.Max(box.Height, 1), aspect = (double)inputWidth / inputHeight;
        if (w > aspect * h) h = w / aspect;
        else if (w < aspect * h) w = h * aspect;
        return new TopDownCrop(box.X + box.Width * 0.5, box.Y + box.Height * 0.5, w / PixelStd * padding, h / PixelStd * padding,
            rotation, inputWidth, inputHeight, convention);
    }

    /// <summary>The box (in image pixels, unrotated) that the crop covers.</summary>
    public BoundingBox CoveredBox => new((float)(CenterX - ScaleX * PixelStd / 2), (float)(CenterY - ScaleY * PixelStd / 2),
        (float)(ScaleX * PixelStd), (float)(ScaleY * PixelStd));

    /// <summary>Image pixels → input pixels.</summary>
    public Affine2D ImageToInput => Convention == CropConvention.Standard ? StandardTransform(InputWidth, InputHeight) : UdpTransform();

    /// <summary>Input pixels → image pixels.</summary>
    public Affine2D InputToImage => ImageToInput.Inverse();

    /// <summary>
    /// The standard (MSRA) transform to an output of the given size, built from three point pairs as
    /// get_affine_transform does (uniform scale by output width / box width: the aspect is padded first).
    /// </summary>
    public Affine2D StandardTransform(double outWidth, double outHeight)
    {
        double srcW = ScaleX * PixelStd;
        double rot = Rotation * Math.PI / 180.0;
        double sn = Math.Sin(rot), cs = Math.Cos(rot);
        // source direction: (0, -srcW/2) rotated by rot
        double sdx = 0 * cs - (srcW * -0.5) * sn, sdy = 0 * sn + (srcW * -0.5) * cs;
        (double, double) Third((double X, double Y) a, (double X, double Y) b) => (b.X - (a.Y - b.Y), b.Y + (a.X - b.X));
        var s0 = (CenterX, CenterY);
        var s1 = (CenterX + sdx, CenterY + sdy);
        var d0 = (outWidth * 0.5, outHeight * 0.5);
        var d1 = (outWidth * 0.5, outHeight * 0.5 - outWidth * 0.5);
        ReadOnlySpan<(double, double)> src = [s0, s1, Third(s0, s1)];
        ReadOnlySpan<(double, double)> dst = [d0, d1, Third(d0, d1)];
        return Affine2D.FromTriangles(src, dst);
    }

    /// <summary>
    /// UDP's warp matrix: rotation about the centre, scale (W−1)/(box width), centre → ((W−1)/2, (H−1)/2).
    /// The angle is negated relative to UDP's get_warp_matrix so that one <see cref="Rotation"/> turns the
    /// image the same way in both conventions.
    /// </summary>
    private Affine2D UdpTransform()
    {
        double theta = -Rotation * Math.PI / 180.0;
        double cs = Math.Cos(theta), sn = Math.Sin(theta);
        double sx = (InputWidth - 1.0) / (ScaleX * PixelStd), sy = (InputHeight - 1.0) / (ScaleY * PixelStd);
        double targetW = ScaleX * PixelStd, targetH = ScaleY * PixelStd;
        return new Affine2D(
            cs * sx, -sn * sx, sx * (-CenterX * cs + CenterY * sn + 0.5 * targetW),
            sn * sy, cs * sy, sy * (-CenterX * sn - CenterY * cs + 0.5 * targetH));
    }
}
