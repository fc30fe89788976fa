using PoseLive.Pose;
using PoseLive.Pose.Codecs;
using PoseLive.Pose.Geometry;

namespace PoseLive.Training.Data;

/// <summary>What one top-down sample drew: the image → input map and whether it was flipped.</summary>
public readonly record struct SampleGeometry(Affine2D ImageToInput, bool Flipped);

/// <summary>
/// Turns a dataset instance into a training sample: box → centre/scale (pixel_std 200, ×1.25, aspect fixed to the
/// input; the keypoint extent when the box is empty), augmentation drawn from (seed, epoch, index), a bilinear warp
/// of the image into a normalised NCHW crop (OpenCV's warpAffine), and the target heatmaps and weights from the same codec inference
/// decodes with. Flips swap the schema's left/right pairs.
/// </summary>
public sealed class TopDownSampler
{
    private readonly int[] _flipIndex;
    private readonly int[]? _upperBody;

    public TopDownSampler(KeypointSchema schema, IKeypointCodec codec, InputNormalization normalization, AugmentationOptions augmentation, ulong seed)
    {
        Schema = schema;
        Codec = codec;
        Normalization = normalization;
        Augmentation = augmentation;
        Seed = seed;
        _flipIndex = schema.FlipIndex();
        _upperBody = UpperBody(schema);
    }

    public KeypointSchema Schema { get; }
    public IKeypointCodec Codec { get; }
    public InputNormalization Normalization { get; }
    public AugmentationOptions Augmentation { get; }
    public ulong Seed { get; }
    public int InputWidth => Codec.InputWidth;
    public int InputHeight => Codec.InputHeight;
    public int ImageValues => 3 * InputWidth * InputHeight;
    public int TargetValues => Codec.OutputChannels(Schema.Count) * Codec.HeatmapWidth * Codec.HeatmapHeight;

    /// <summary>Keypoints of the upper body for half-body crops (COCO: nose to wrists); null where the schema has none.</summary>
    private static int[]? UpperBody(KeypointSchema schema) => schema.Name == KeypointSchema.Coco17.Name ? Enumerable.Range(0, 11).ToArray() : null;

    /// <summary>The unaugmented crop of an instance (validation and inference use it).</summary>
    public TopDownCrop CropFor(PoseInstance instance) =>
        TopDownCrop.FromBox(BoxOf(instance), InputWidth, InputHeight, convention: Codec.Convention);

    /// <summary>The instance's box, or the extent of its labelled keypoints when the box is empty.</summary>
    internal static BoundingBox BoxOf(PoseInstance instance)
    {
        if (instance.Box.Width > 1 && instance.Box.Height > 1) return instance.Box;
        var kps = new Keypoint[instance.KeypointCount];
        for (int j = 0; j < kps.Length; j++)
            kps[j] = instance.Keypoints[3 * j + 2] > 0 ? new Keypoint(instance.Keypoints[3 * j], instance.Keypoints[3 * j + 1], 1) : Keypoint.Missing;
        return BoundingBox.Around(kps) ?? instance.Box;
    }

    /// <summary>
    /// Writes sample <paramref name="index"/> of <paramref name="epoch"/> (image [3, H, W], target [K·C, h, w], weights [K],
    /// and the keypoints in input pixels).
    /// </summary>
    public SampleGeometry Build(PoseInstance instance, RgbImage image, long epoch, long index, Span<float> input, Span<float> target, Span<float> weights,
        Span<Keypoint> keypoints)
    {
        var a = Augmentation;
        var rnd = new SampleRandom(Seed, epoch, index);
        var crop = CropFor(instance);
        double cx = crop.CenterX, cy = crop.CenterY, sx = crop.ScaleX, sy = crop.ScaleY, rotation = 0;

        if (a.HalfBodyProbability > 0 && rnd.NextDouble() < a.HalfBodyProbability && _upperBody is not null && instance.Labelled > a.HalfBodyMinKeypoints
            && HalfBody(instance, rnd.NextDouble() < 0.5) is { } half)
            (cx, cy, sx, sy) = half;
        if (a.ScaleRange is { } range)
        {
            if (rnd.NextDouble() < a.ScaleProbability) { double f = rnd.Uniform(range.Min, range.Max); sx *= f; sy *= f; }
        }
        else if (a.ScaleFactor > 0)
        {
            double f = Math.Clamp(rnd.NextGaussian() * a.ScaleFactor + 1, 1 - a.ScaleFactor, 1 + a.ScaleFactor);
            sx *= f; sy *= f;
        }
        if (a.RotationProbability > 0 && rnd.NextDouble() < a.RotationProbability)
            rotation = a.RotationUniform is { } u ? rnd.Uniform(-u, u) : Math.Clamp(rnd.NextGaussian() * a.RotationFactor, -2 * a.RotationFactor, 2 * a.RotationFactor);
        bool flip = a.FlipProbability > 0 && rnd.NextDouble() < a.FlipProbability;
        if (a.TranslateProbability > 0 && rnd.NextDouble() < a.TranslateProbability)
        {
            cx += rnd.Uniform(-a.Translate, a.Translate) * sx * TopDownCrop.PixelStd;
            cy += rnd.Uniform(-a.Translate, a.Translate) * sy * TopDownCrop.PixelStd;
        }
        double shear = a.ShearProbability > 0 && rnd.NextDouble() < a.ShearProbability ? rnd.Uniform(-a.ShearDegrees, a.ShearDegrees) : 0;

        // a flip mirrors the image (x → width − 1 − x, as the official pipeline flips the array) before the crop
        var mirror = flip ? new Affine2D(-1, 0, image.Width - 1, 0, 1, 0) : Affine2D.Identity;
        if (flip) cx = image.Width - 1 - cx;
        var map = new TopDownCrop(cx, cy, sx, sy, rotation, InputWidth, InputHeight, Codec.Convention).ImageToInput.After(mirror);
        if (shear != 0)
        {
            double t = Math.Tan(shear * Math.PI / 180), my = InputHeight / 2.0;
            map = new Affine2D(1, t, -t * my, 0, 1, 0).After(map); // horizontal shear about the input centre row
        }

        if (a.IsPhotometric) Photometric.WarpAndJitter(image, map, InputWidth, InputHeight, Normalization, ref rnd, a, input);
        else AffineCropper.Crop(image.Pixels, image.Width, image.Height, image.Stride, map, InputWidth, InputHeight, Normalization, input);

        int k = Schema.Count;
        if (keypoints.Length != k) throw new ArgumentException($"{k} keypoints expected, the span holds {keypoints.Length}", nameof(keypoints));
        for (int j = 0; j < k; j++)
        {
            int src = flip ? _flipIndex[j] : j;
            keypoints[j] = instance.Keypoints[3 * src + 2] > 0
                ? map.Apply(new Keypoint(instance.Keypoints[3 * src], instance.Keypoints[3 * src + 1], 1))
                : Keypoint.Missing;
        }
        if (Codec is IPersonCentredCodec centred)
        {
            // the person box: its centre carried through the same augmentation (and mirror) as the keypoints, its sides scaled alike
            var box = BoxOf(instance);
            var (x, y) = map.Apply(box.X + box.Width / 2.0, box.Y + box.Height / 2.0);
            double scale = Math.Sqrt(Math.Abs(map.A * map.E - map.B * map.D));
            float w = (float)(box.Width * scale), h = (float)(box.Height * scale);
            centred.Encode(keypoints, new BoundingBox((float)x - w / 2, (float)y - h / 2, w, h), target, weights);
        }
        else Codec.Encode(keypoints, target, weights);
        return new SampleGeometry(map, flip);
    }

    /// <summary>Half-body crop (HRNet): the upper or lower body's labelled keypoints, box padded to the aspect, ×1.5.</summary>
    private (double, double, double, double)? HalfBody(PoseInstance instance, bool upperFirst)
    {
        var upper = new List<(float X, float Y)>();
        var lower = new List<(float X, float Y)>();
        var isUpper = new bool[Schema.Count];
        foreach (var j in _upperBody!) isUpper[j] = true;
        for (int j = 0; j < Schema.Count; j++)
        {
            if (!(instance.Keypoints[3 * j + 2] > 0)) continue;
            (isUpper[j] ? upper : lower).Add((instance.Keypoints[3 * j], instance.Keypoints[3 * j + 1]));
        }
        var selected = upperFirst && upper.Count > 2 ? upper : lower.Count > 2 ? lower : upper;
        if (selected.Count < 2) return null;
        float x0 = selected.Min(p => p.X), x1 = selected.Max(p => p.X), y0 = selected.Min(p => p.Y), y1 = selected.Max(p => p.Y);
        double cx = selected.Average(p => p.X), cy = selected.Average(p => p.Y);
        double w = x1 - x0, h = y1 - y0, aspect = (double)InputWidth / InputHeight;
        if (w > aspect * h) h = w / aspect; else w = h * aspect;
        return (cx, cy, w / TopDownCrop.PixelStd * 1.5, h / TopDownCrop.PixelStd * 1.5);
    }
}
