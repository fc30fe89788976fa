namespace PoseLive.Synthetic;

/// <summary>
/// The shape of one animal, in metres and ratios: height at the withers, body length (point of shoulder to point of
/// buttock) over height, girth (body and upper-limb thickness), leg length (elbow height over height), neck length
/// over height and thickness, head size and tail length over height. <see cref="Sample"/> draws one from a
/// <see cref="ShapeDistribution"/>.
/// </summary>
public sealed record HorseShape(double WithersHeight, double BodyLength, double Girth, double LegRatio, double NeckLength,
    double NeckThickness, double HeadSize, double TailLength)
{
    /// <summary>A typical riding horse (1.60 m).</summary>
    public static HorseShape Standard { get; } = new(1.60, 1.04, 1.0, 0.58, 0.50, 1.0, 1.0, 0.62);

    /// <summary>Draws a shape: <paramref name="distribution"/> sets the ranges.</summary>
    public static HorseShape Sample(Random random, ShapeDistribution distribution)
    {
        double U(double lo, double hi) => lo + (hi - lo) * random.NextDouble();
        switch (distribution)
        {
            case ShapeDistribution.Riding:
                // light breeds: thoroughbreds, warmbloods, arabians — tall, long-legged, slim
                return new HorseShape(U(1.45, 1.75), U(0.98, 1.08), U(0.88, 1.05), U(0.56, 0.62), U(0.46, 0.56), U(0.88, 1.05), U(0.92, 1.05), U(0.55, 0.75));
            case ShapeDistribution.Stocky:
                // ponies and draft horses — short legs, heavy bodies, thick necks, big heads (ponies)
                bool pony = random.NextDouble() < 0.5;
                return new HorseShape(pony ? U(1.00, 1.35) : U(1.60, 1.85), U(1.02, 1.14), U(1.10, 1.30), U(0.50, 0.55), U(0.40, 0.50),
                    U(1.10, 1.30), pony ? U(1.05, 1.20) : U(0.95, 1.10), U(0.50, 0.80));
            default:
                // the whole range, pony to draft
                return new HorseShape(U(1.00, 1.85), U(0.98, 1.14), U(0.88, 1.30), U(0.50, 0.62), U(0.40, 0.56), U(0.88, 1.30), U(0.92, 1.20), U(0.50, 0.80));
        }
    }
}

/// <summary>Shape distributions (`--shapes`): the whole range, riding horses only, or ponies and drafts only.</summary>
public enum ShapeDistribution { Mixed, Riding, Stocky }
