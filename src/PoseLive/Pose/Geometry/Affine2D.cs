namespace PoseLive.Pose.Geometry;

/// <summary>A 2×3 affine map x' = A·x + b (row-major [a b c; d e f]), in double precision.</summary>
public readonly record struct Affine2D(double A, double B, double C, double D, double E, double F)
{
    public static Affine2D Identity => new(1, 0, 0, 0, 1, 0);

    public (double X, double Y) Apply(double x, double y) => (A * x + B * y + C, D * x + E * y + F);

    public Keypoint Apply(Keypoint k)
    {
        if (k.IsMissing) return k;
        var (x, y) = Apply(k.X, k.Y);
        return new Keypoint((float)x, (float)y, k.Score);
    }

    /// <summary>The inverse map; throws for a singular matrix.</summary>
    public Affine2D Inverse()
    {
        double det = A * E - B * D;
        if (Math.Abs(det) < 1e-300) throw new InvalidOperationException("Affine map is singular.");
        double ia = E / det, ib = -B / det, id = -D / det, ie = A / det;
        return new Affine2D(ia, ib, -(ia * C + ib * F), id, ie, -(id * C + ie * F));
    }

    /// <summary>This map after <paramref name="first"/>: x ↦ this(first(x)).</summary>
    public Affine2D After(Affine2D first) => new(
        A * first.A + B * first.D, A * first.B + B * first.E, A * first.C + B * first.F + C,
        D * first.A + E * first.D, D * first.B + E * first.E, D * first.C + E * first.F + F);

    /// <summary>The affine map sending three source points onto three destination points (as cv2.getAffineTransform).</summary>
    public static Affine2D FromTriangles(ReadOnlySpan<(double X, double Y)> src, ReadOnlySpan<(double X, double Y)> dst)
    {
        if (src.Length != 3 || dst.Length != 3) throw new ArgumentException("Three point pairs are needed.");
        // Solve [x y 1] · [A D; B E; C F] = [x' y'] for the three points (Cramer's rule).
        double x0 = src[0].X, y0 = src[0].Y, x1 = src[1].X, y1 = src[1].Y, x2 = src[2].X, y2 = src[2].Y;
        double det = x0 * (y1 - y2) - y0 * (x1 - x2) + (x1 * y2 - x2 * y1);
        if (Math.Abs(det) < 1e-300) throw new ArgumentException("Source points are collinear.");
        (double, double, double) Solve(double u0, double u1, double u2) => (
            (u0 * (y1 - y2) - y0 * (u1 - u2) + (u1 * y2 - u2 * y1)) / det,
            (x0 * (u1 - u2) - u0 * (x1 - x2) + (x1 * u2 - x2 * u1)) / det,
            (x0 * (y1 * u2 - y2 * u1) - y0 * (x1 * u2 - x2 * u1) + u0 * (x1 * y2 - x2 * y1)) / det);
        var (a, b, c) = Solve(dst[0].X, dst[1].X, dst[2].X);
        var (d, e, f) = Solve(dst[0].Y, dst[1].Y, dst[2].Y);
        return new Affine2D(a, b, c, d, e, f);
    }
}
