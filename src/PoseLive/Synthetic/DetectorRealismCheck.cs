using PoseLive.Coco;
using PoseLive.Detection;
using PoseLive.Media;

namespace PoseLive.Synthetic;

/// <summary>What a real-photo detector made of a synthetic dataset: the share of animals it found as their class, and what else it saw.</summary>
public sealed record RealismReport(int Images, int Found, double MeanIoU, IReadOnlyDictionary<string, int> OtherClasses, double Seconds)
{
    public double Share => Images == 0 ? 0 : (double)Found / Images;
}

/// <summary>
/// The honest measure that the synthetic animals look like animals: run a detector trained on real COCO photos over
/// every labelled image and count the animals it finds as class <c>horse</c> with IoU ≥ a threshold against the label
/// box; the best box of any other class on each missed animal is counted by class name (what the animal looked like).
/// </summary>
public static class DetectorRealismCheck
{
    public static RealismReport Run(string annotations, CenterNetDetector detector, IReadOnlyList<string> classNames, string targetClass = "horse",
        double iou = 0.5, int limit = int.MaxValue, Action<int, int>? progress = null)
    {
        int target = classNames.ToList().IndexOf(targetClass);
        if (target < 0) throw new SynthException($"the detector has no class '{targetClass}'");
        var data = CocoReader.ReadGroundTruth(annotations);
        var root = Path.GetDirectoryName(Path.GetFullPath(annotations))!;
        var byImage = data.Annotations.GroupBy(a => a.ImageId).ToDictionary(g => g.Key, g => g.First());
        var images = data.Images.Where(i => byImage.ContainsKey(i.Id)).Take(limit).ToList();
        var others = new Dictionary<string, int>();
        int found = 0;
        double iouSum = 0;
        var started = DateTime.UtcNow;
        for (int n = 0; n < images.Count; n++)
        {
            var image = images[n];
            var label = byImage[image.Id].Box;
            using var source = VideoSource.Open(Path.Combine(root, image.FileName));
            using var frame = source.ReadFrame() ?? throw new MediaException(image.FileName, "holds no image");
            var boxes = detector.Detect(frame.Plane(0), frame.Width, frame.Height, frame.Stride);
            double best = 0;
            DetectedBox? other = null;
            double otherIoU = 0;
            foreach (var b in boxes)
            {
                double o = b.Box.IoU(label);
                if (b.ClassId == target) best = Math.Max(best, o);
                else if (o > otherIoU) { otherIoU = o; other = b; }
            }
            if (best >= iou) { found++; iouSum += best; }
            else if (other is { } x && otherIoU >= iou)
            {
                var name = x.ClassId < classNames.Count ? classNames[x.ClassId] : $"class {x.ClassId}";
                others[name] = others.GetValueOrDefault(name) + 1;
            }
            progress?.Invoke(n + 1, images.Count);
        }
        return new RealismReport(images.Count, found, found > 0 ? iouSum / found : 0, others, (DateTime.UtcNow - started).TotalSeconds);
    }
}
