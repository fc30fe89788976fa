using PoseLive.Pose;
using PoseLive.Pose.Geometry;

namespace PoseLive.Training.Adaptation;

/// <summary>
/// One pass of CC-SSL's equivariance check: the crop scaled by <see cref="Scale"/> and rotated by
/// <see cref="Rotation"/> degrees about its centre. Pass 0 is the identity; the others draw scale
/// clamp(1 + 0.25·N(0,1), 0.75, 1.25) and rotation clamp(30·N(0,1), −60°, 60°) (CC-SSL's prediction_check).
/// </summary>
public readonly record struct EquivariancePass(double Scale, double Rotation)
{
    public static EquivariancePass Identity => new(1, 0);

    /// <summary>The identity followed by <paramref name="count"/> − 1 random passes.</summary>
    public static EquivariancePass[] Draw(Random random, int count = 5, double scaleSigma = 0.25, double scaleMin = 0.75, double scaleMax = 1.25,
        double rotationSigma = 30, double rotationLimit = 60)
    {
        var passes = new EquivariancePass[count];
        passes[0] = Identity;
        for (int i = 1; i < count; i++)
            passes[i] = new EquivariancePass(Math.Clamp(1 + scaleSigma * random.NextGaussian(), scaleMin, scaleMax),
                Math.Clamp(rotationSigma * random.NextGaussian(), -rotationLimit, rotationLimit));
        return passes;
    }

    /// <summary>The pass's crop of <paramref name="crop"/>: the same centre, scale ×<see cref="Scale"/>, rotation +<see cref="Rotation"/>.</summary>
    public TopDownCrop Apply(TopDownCrop crop) => crop with { ScaleX = crop.ScaleX * Scale, ScaleY = crop.ScaleY * Scale, Rotation = crop.Rotation + Rotation };

    /// <summary>
    /// The map from the identity crop's heatmap pixels to this pass's heatmap pixels (both heatmaps
    /// <paramref name="width"/>×<paramref name="height"/>): pass heatmap ∘ image ← identity heatmap.
    /// Un-warping samples the pass's heatmap through it.
    /// </summary>
    public Affine2D IdentityToPass(TopDownCrop identity, int width, int height) =>
        Apply(identity).StandardTransform(width, height).After(identity.StandardTransform(width, height).Inverse());

}
