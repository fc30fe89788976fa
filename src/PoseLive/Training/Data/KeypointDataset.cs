using System.Text.RegularExpressions;
using PoseLive.Coco;
using PoseLive.Pose;

namespace PoseLive.Training.Data;

/// <summary>
/// A COCO keypoint dataset ready for top-down training or validation: the ground truth (for evaluation), the
/// keypoint schema, and the instances a top-down net crops (crowd and unlabelled annotations skipped, as MMPose
/// does). Images are files under an image root, or frames of a video (`video#frame` file names, as
/// `poselive annotate` writes them). Images whose file is missing are skipped and counted; more than
/// <see cref="MaxMissingFraction"/> of them missing is an error.
/// </summary>
public sealed partial class KeypointDataset
{
    public const double MaxMissingFraction = 0.01;

    private KeypointDataset(string name, KeypointSchema schema, CocoDataset groundTruth, IReadOnlyList<PoseInstance> instances,
        IReadOnlyDictionary<long, ImageRef> images, int missingImages)
    {
        Name = name;
        Schema = schema;
        GroundTruth = groundTruth;
        Instances = instances;
        Images = images;
        MissingImages = missingImages;
    }

    /// <summary>The file the dataset came from (with the split, when split).</summary>
    public string Name { get; }
    public KeypointSchema Schema { get; }
    /// <summary>All images and annotations (crowd ones included) of this dataset, as the evaluator needs them.</summary>
    public CocoDataset GroundTruth { get; }
    public IReadOnlyList<PoseInstance> Instances { get; }
    public IReadOnlyDictionary<long, ImageRef> Images { get; }
    /// <summary>Images skipped because their file does not exist.</summary>
    public int MissingImages { get; }
    public bool IsVideo => Images.Values.Any(i => i.IsVideoFrame);

    [GeneratedRegex(@"^(?<video>.+)#(?<frame>\d+)$")]
    private static partial Regex VideoFrameName();

    /// <summary>
    /// Loads <paramref name="jsonPath"/>; file names are relative to <paramref name="imageRoot"/> (default: the JSON's
    /// folder). With <paramref name="schema"/> given, the dataset's keypoint category must have as many keypoints.
    /// </summary>
    public static KeypointDataset Load(string jsonPath, string? imageRoot = null, KeypointSchema? schema = null)
    {
        var gt = CocoReader.ReadGroundTruth(jsonPath);
        var categories = gt.Categories.Where(c => c.Keypoints.Length > 0).ToList();
        if (categories.Count == 0) throw new DatasetException($"{jsonPath}: no category has keypoints");
        if (categories.Count > 1) throw new DatasetException($"{jsonPath}: {categories.Count} categories have keypoints ({string.Join(", ", categories.Select(c => c.Name))}); top-down training takes one");
        var category = categories[0];
        int categoryIndex = gt.Categories.ToList().IndexOf(category);
        var resolved = schema ?? SchemaFor(category, jsonPath, categoryIndex);
        if (category.Keypoints.Length != resolved.Count)
            throw new DatasetException($"{jsonPath}: categories[{categoryIndex}] '{category.Name}' has {category.Keypoints.Length} keypoints, but the schema {resolved.Name} (the net's output) has {resolved.Count}");

        var root = imageRoot ?? Path.GetDirectoryName(Path.GetFullPath(jsonPath))!;
        var images = new Dictionary<long, ImageRef>();
        int missing = 0;
        var missingNames = new List<string>();
        var videoExists = new Dictionary<string, bool>();
        foreach (var image in gt.Images)
        {
            var m = VideoFrameName().Match(image.FileName);
            ImageRef r = m.Success
                ? new ImageRef(Path.Combine(root, m.Groups["video"].Value), image.FrameIndex ?? long.Parse(m.Groups["frame"].Value, System.Globalization.CultureInfo.InvariantCulture), image.Timestamp)
                : new ImageRef(Path.Combine(root, image.FileName));
            bool exists = r.IsVideoFrame
                ? (videoExists.TryGetValue(r.Path, out var e) ? e : videoExists[r.Path] = File.Exists(r.Path))
                : File.Exists(r.Path);
            if (!exists)
            {
                missing++;
                if (missingNames.Count < 3 && !missingNames.Contains(r.Path)) missingNames.Add(r.Path);
                continue;
            }
            images[image.Id] = r;
        }
        if (gt.Images.Count > 0 && missing > MaxMissingFraction * gt.Images.Count)
            throw new DatasetException($"{jsonPath}: {missing} of {gt.Images.Count} image files are missing (more than {MaxMissingFraction:P0}), e.g. {string.Join(", ", missingNames)}; check --images (now {root})");

        var instances = new List<PoseInstance>();
        foreach (var a in gt.Annotations)
        {
            if (a.CategoryId != category.Id || a.IsCrowd || a.NumKeypoints == 0 || !images.TryGetValue(a.ImageId, out var r)) continue;
            var instance = new PoseInstance(r, a.ImageId, a.Id, a.Box, a.Keypoints, a.Area);
            if (instance.Labelled > 0) instances.Add(instance);
        }
        var kept = new CocoDataset(gt.Images.Where(i => images.ContainsKey(i.Id)).ToList(), gt.Annotations.Where(a => images.ContainsKey(a.ImageId)).ToList(), gt.Categories);
        return new KeypointDataset(jsonPath, resolved, kept, instances, images, missing);
    }

    private static KeypointSchema SchemaFor(CocoCategory category, string jsonPath, int index) => category.Keypoints.Length switch
    {
        17 => KeypointSchema.Coco17,
        18 => KeypointSchema.Quadruped18,
        var k => throw new DatasetException($"{jsonPath}: categories[{index}] '{category.Name}' has {k} keypoints; known schemas have 17 (coco17) or 18 (quadruped18)"),
    };

    /// <summary>
    /// Splits off the last <paramref name="validationFraction"/> of the data: for video frames, the last part of each
    /// video by media time (never interleaved frames); for stills, the last images in id order. Whole images go to
    /// one side.
    /// </summary>
    public (KeypointDataset Train, KeypointDataset Validation) Split(double validationFraction)
    {
        if (!(validationFraction > 0 && validationFraction < 1)) throw new ArgumentOutOfRangeException(nameof(validationFraction), "the validation fraction must be between 0 and 1");
        var validation = new HashSet<long>();
        var byVideo = GroundTruth.Images.Where(i => Images[i.Id].IsVideoFrame).GroupBy(i => Images[i.Id].Path);
        foreach (var video in byVideo)
        {
            var frames = video.Select(i => (i.Id, Time: i.Timestamp ?? Images[i.Id].FrameIndex)).OrderBy(f => f.Time).ToList();
            double t0 = frames[0].Time, t1 = frames[^1].Time, cut = t0 + (1 - validationFraction) * (t1 - t0);
            foreach (var f in frames) if (f.Time > cut) validation.Add(f.Id);
        }
        var stills = GroundTruth.Images.Where(i => !Images[i.Id].IsVideoFrame).OrderBy(i => i.Id).ToList();
        int stillVal = (int)Math.Round(stills.Count * validationFraction);
        foreach (var s in stills.Skip(stills.Count - stillVal)) validation.Add(s.Id);
        return (Subset(i => !validation.Contains(i), $"{Name} [first {1 - validationFraction:P0}]"), Subset(validation.Contains, $"{Name} [last {validationFraction:P0}]"));
    }

    private KeypointDataset Subset(Func<long, bool> keep, string name)
    {
        var gt = new CocoDataset(GroundTruth.Images.Where(i => keep(i.Id)).ToList(), GroundTruth.Annotations.Where(a => keep(a.ImageId)).ToList(), GroundTruth.Categories);
        return new KeypointDataset(name, Schema, gt, Instances.Where(i => keep(i.ImageId)).ToList(),
            Images.Where(p => keep(p.Key)).ToDictionary(p => p.Key, p => p.Value), MissingImages);
    }
}
