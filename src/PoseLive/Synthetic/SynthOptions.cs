namespace PoseLive.Synthetic;

/// <summary>Render styles: <c>basic</c> (hard light, procedural coats, plain scenery) and <c>photo</c> (real-image scenery and coats, shadows, soft light, blur, noise, JPEG artefacts).</summary>
public enum SynthStyle { Basic, Photo }

/// <summary>The settings of a synthetic dataset (`poselive synth`); the same settings and seed give the same files.</summary>
public sealed record SynthOptions
{
    public string Animal { get; init; } = "horse";
    /// <summary>Still images (when <see cref="Clips"/> is 0).</summary>
    public int Count { get; init; } = 1000;
    public int Width { get; init; } = 640;
    public int Height { get; init; } = 480;
    /// <summary>Horizontal field of view in degrees (CC-SSL: 90, focal = width/2).</summary>
    public double FieldOfView { get; init; } = 90;
    public SynthStyle Style { get; init; } = SynthStyle.Basic;
    public ShapeDistribution Shapes { get; init; } = ShapeDistribution.Mixed;
    public IReadOnlyList<Gait> Gaits { get; init; } = Enum.GetValues<Gait>();
    /// <summary>Clips (continuous video: one animal, gait phase advancing); 0 for stills.</summary>
    public int Clips { get; init; }
    public double ClipSeconds { get; init; } = 4;
    public double Fps { get; init; } = 25;
    /// <summary>Still images that share one animal (its shape and mesh) before the next is drawn.</summary>
    public int ImagesPerAnimal { get; init; } = 25;
    /// <summary>Folder of real images/videos for photo scenery and coats (default: media/).</summary>
    public string? Backgrounds { get; init; }
    public ulong Seed { get; init; } = 1;
    /// <summary>Keep an image only if at least this many keypoints are visible (CC-SSL: 6 of 18).</summary>
    public int MinVisible { get; init; } = 6;
    /// <summary>Depth-test tolerance in metres (a landmark hidden deeper than this under the surface is occluded).</summary>
    public float DepthTolerance { get; init; } = 0.06f;
    /// <summary>Animal's box side over the frame's, drawn uniformly in this range.</summary>
    public double MinFill { get; init; } = 0.2;
    public double MaxFill { get; init; } = 0.9;
    public double MinElevation { get; init; } = -10;
    public double MaxElevation { get; init; } = 40;
    /// <summary>Also write each image's silhouette mask (masks/NAME.png, 255 on the animal).</summary>
    public bool Masks { get; init; }
    /// <summary>jpg or png.</summary>
    public string Format { get; init; } = "jpg";

    public int FramesPerClip => (int)Math.Round(ClipSeconds * Fps);
    public int Total => Clips > 0 ? Clips * FramesPerClip : Count;

    /// <summary>Checks the settings; the message names the option.</summary>
    public SynthOptions Validate()
    {
        if (!string.Equals(Animal, "horse", StringComparison.OrdinalIgnoreCase))
            throw new SynthException($"--animal {Animal}: no synthetic model for this animal (known: horse)");
        if (Width < 64 || Height < 64 || Width > 8192 || Height > 8192)
            throw new SynthException($"--size {Width}x{Height}: impossible image size (each side 64–8192 pixels)");
        if (Clips == 0 && Count < 1) throw new SynthException($"--count {Count}: at least one image");
        if (Clips < 0) throw new SynthException($"--clips {Clips}: must be 0 (stills) or more");
        if (Clips > 0 && (ClipSeconds <= 0 || Fps <= 0 || FramesPerClip < 1)) throw new SynthException($"--clip-seconds {ClipSeconds} --fps {Fps}: a clip needs at least one frame");
        if (FieldOfView <= 1 || FieldOfView >= 170) throw new SynthException($"--fov {FieldOfView}: must be between 1 and 170 degrees");
        if (MinVisible < 0 || MinVisible > HorseLandmarks.Count) throw new SynthException($"--min-visible {MinVisible}: must be 0–{HorseLandmarks.Count}");
        if (Format is not ("jpg" or "png")) throw new SynthException($"--format {Format}: jpg or png");
        if (Gaits.Count == 0) throw new SynthException("--gaits: at least one gait");
        if (ImagesPerAnimal < 1) throw new SynthException($"--images-per-animal {ImagesPerAnimal}: at least 1");
        return this;
    }
}
