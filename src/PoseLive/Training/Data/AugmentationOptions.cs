namespace PoseLive.Training.Data;

/// <summary>
/// Top-down augmentation, as the official SimpleBaseline/HRNet data pipeline draws it (JointsDataset): scale
/// factor × clip(N(0,1)·f + 1, 1 − f, 1 + f), rotation clip(N(0,1)·r, −2r, 2r) with probability p, horizontal flip with
/// the schema's pairs, half-body crops; plus the photometric and extra affine terms of the CC-SSL animal recipe
/// (uniform scale range, translation, shear, Gaussian noise, blur, contrast), each with its own probability.
/// </summary>
public sealed record AugmentationOptions
{
    public double ScaleFactor { get; init; }
    /// <summary>When set, the scale is drawn uniformly from this range instead (with <see cref="ScaleProbability"/>).</summary>
    public (double Min, double Max)? ScaleRange { get; init; }
    public double ScaleProbability { get; init; } = 1;
    public double RotationFactor { get; init; }
    public double RotationProbability { get; init; }
    /// <summary>Uniform rotation in ±this many degrees instead of the clipped normal (CC-SSL), with <see cref="RotationProbability"/>.</summary>
    public double? RotationUniform { get; init; }
    public double FlipProbability { get; init; }
    public double HalfBodyProbability { get; init; }
    public int HalfBodyMinKeypoints { get; init; } = 8;
    /// <summary>Translation of the crop centre by up to ± this fraction of the crop size.</summary>
    public double Translate { get; init; }
    public double TranslateProbability { get; init; }
    /// <summary>Horizontal shear up to ± this many degrees.</summary>
    public double ShearDegrees { get; init; }
    public double ShearProbability { get; init; }
    /// <summary>Gaussian pixel noise, σ in grey levels (0..255).</summary>
    public double NoiseSigma { get; init; }
    public double NoiseProbability { get; init; }
    public (double Min, double Max) BlurSigma { get; init; } = (1, 5);
    public double BlurProbability { get; init; }
    public (double Min, double Max) Contrast { get; init; } = (0.5, 2);
    public double ContrastProbability { get; init; }

    /// <summary>No augmentation: the box crop as it is (validation, overfitting checks).</summary>
    public static AugmentationOptions None { get; } = new();

    /// <summary>The SimpleBaseline/HRNet/LPN COCO recipe: scale 0.35, rotation 45° (p 0.6), flip 0.5, half body 0.3.</summary>
    public static AugmentationOptions Standard { get; } = new()
    {
        ScaleFactor = 0.35, RotationFactor = 45, RotationProbability = 0.6, FlipProbability = 0.5, HalfBodyProbability = 0.3,
    };

    /// <summary>
    /// CC-SSL's strong augmentation for synthetic animals: scale 0.5–1.5, translate ±5 %, rotation ±30°, shear ±20°,
    /// Gaussian noise, blur σ 1–5, contrast 0.5–2, each with p 0.5; flips p 0.5.
    /// </summary>
    public static AugmentationOptions CcSsl { get; } = new()
    {
        ScaleRange = (0.5, 1.5), ScaleProbability = 0.5, RotationUniform = 30, RotationProbability = 0.5, FlipProbability = 0.5,
        Translate = 0.05, TranslateProbability = 0.5, ShearDegrees = 20, ShearProbability = 0.5,
        NoiseSigma = 10, NoiseProbability = 0.5, BlurSigma = (1, 5), BlurProbability = 0.5, Contrast = (0.5, 2), ContrastProbability = 0.5,
    };

    /// <summary>
    /// Fine-tuning a served model on its own kind of crops (box ×1.25, as the pipeline serves it): mild jitter only —
    /// scale ±0.15, rotation ±15° (p 0.5), translation ±5 % (p 0.5), flip 0.5, no half-body crops.
    /// </summary>
    public static AugmentationOptions Finetune { get; } = new()
    {
        ScaleFactor = 0.15, RotationFactor = 7.5, RotationProbability = 0.5, FlipProbability = 0.5, Translate = 0.05, TranslateProbability = 0.5,
    };

    public static IReadOnlyList<string> Presets { get; } = ["standard", "none", "ccssl", "finetune"];

    public static AugmentationOptions ByName(string name) => name switch
    {
        "standard" => Standard,
        "none" => None,
        "ccssl" => CcSsl,
        "finetune" => Finetune,
        _ => throw new ArgumentException($"unknown augmentation '{name}' (known: {string.Join(", ", Presets)})"),
    };

    public bool IsPhotometric => NoiseProbability > 0 || BlurProbability > 0 || ContrastProbability > 0;
}
