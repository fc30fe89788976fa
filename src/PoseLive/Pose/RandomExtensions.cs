namespace PoseLive.Pose;

/// <summary>Draws System.Random does not offer.</summary>
public static class RandomExtensions
{
    /// <summary>A standard normal draw (Box–Muller; consumes two uniforms).</summary>
    public static double NextGaussian(this Random random)
    {
        double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(Math.Tau * u2);
    }
}
