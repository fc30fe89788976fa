using PoseLive.Coco;
using PoseLive.Media;
using PoseLive.Pose;
using PoseLive.Pose.Codecs;
using PoseLive.Pose.Geometry;

namespace PoseLive.Training.Adaptation;

/// <summary>The settings of one pseudo-labelling round (every knob of CC-SSL's Algorithm 1, the paper's values by default).</summary>
public sealed record PseudoLabelSettings
{
    /// <summary>Equivariance passes: the identity plus random scale/rotation passes (CC-SSL: 5; 1 = no equivariance check).</summary>
    public int Passes { get; init; } = 5;
    /// <summary>The temporal check (Lucas–Kanade flow of the previous frame's keypoints); off for stills.</summary>
    public bool Temporal { get; init; } = true;
    public TemporalConsistency Flow { get; init; } = new();
    /// <summary>The crop around a detected animal: a square of the box's longer side × this (CC-SSL's real-animal loader: 1.5).</summary>
    public double CropFactor { get; init; } = 1.5;
    /// <summary>
    /// The box check (beyond the paper): a keypoint further outside its animal's detected box than this share of the box's
    /// longer side is no pseudo-label (not pooled, never kept); negative = off (the paper). Consistency checks cannot catch a
    /// net that is consistently wrong, and on the benchmark's target such keypoints (mostly legs reaching below the box) were ~1 % right.
    /// </summary>
    public double BoxMargin { get; init; } = -1;
    public ulong Seed { get; init; } = 1;
}

/// <summary>
/// What a round produced: how many keypoints it kept, from what threshold, and (when the truth is known) the share of the
/// kept keypoints within 0.05 / 0.1 of it (<c>Precision05/10</c>) and the same share over every labelled keypoint, kept or
/// not (<c>AllPrecision05/10</c>): the difference is what the confidence threshold selects. <c>OutsideBox</c>: the keypoints the
/// box check dropped before pooling.
/// </summary>
public sealed record PseudoLabelStats(int Round, int Crops, int Keypoints, int Kept, double KeptFraction, double Threshold, int FlowReplaced,
    double? Precision05, double? Precision10, double Seconds, double? AllPrecision05 = null, double? AllPrecision10 = null, int OutsideBox = 0);

/// <summary>
/// One CC-SSL pseudo-labelling round over the footage crops (Algorithm 1): every crop is labelled by
/// <see cref="EquivariantPseudoLabeler"/>, clip by clip in frame order; the temporal check then compares each keypoint with
/// the previous frame's (same track) carried by optical flow; finally the most confident <c>fraction</c> of all keypoint
/// confidences is kept (<see cref="PseudoLabelSelector"/>) and written as a COCO keypoint file whose kept keypoints are
/// visible (target weight 1) and the rest unlabelled (weight 0).
/// </summary>
public sealed class PseudoLabelRound(IKeypointCodec codec, KeypointSchema schema, InputNormalization normalization, Func<float[], int, float[]> predict,
    PseudoLabelSettings settings)
{
    /// <summary>The truth of a crop, when known (synthetic target clips): its keypoints in image pixels and the normalising size (box's longer side).</summary>
    public delegate (Keypoint[] Points, double Size)? TruthOf(FootageCrop crop);

    /// <summary>Labels every crop of <paramref name="footage"/> and writes the kept labels to <paramref name="cocoPath"/> (atomically).</summary>
    public PseudoLabelStats Run(int round, FootageReport footage, double fraction, string cocoPath, TruthOf? truth = null,
        Action<int, int>? progress = null, CancellationToken cancel = default)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int k = schema.Count;
        var labeler = new EquivariantPseudoLabeler(codec, k, normalization, predict, settings.Passes);
        var labels = new PseudoLabel?[footage.Crops.Count];
        var sizes = new (int W, int H)[footage.Crops.Count];
        int replaced = 0, done = 0;
        var byClip = footage.Crops.Select((c, i) => (c, i)).GroupBy(p => p.c.Clip).OrderBy(g => g.Key);
        foreach (var clip in byClip)
        {
            var wanted = clip.GroupBy(p => p.c.Frame).ToDictionary(g => g.Key, g => g.ToList());
            var source = footage.ClipFiles[clip.Key];
            byte[]? previousGrey = null;
            long previousFrame = long.MinValue;
            var previousByTrack = new Dictionary<int, PseudoLabel>();
            var random = new Random((int)(new Data.SampleRandom(settings.Seed, round, clip.Key, stream: 0xCC55).NextUInt64() & 0x7fffffff));
            try
            {
                foreach (var (frame, index, here) in FootageCrops.FramesOf(source, wanted))
                {
                    using (frame)
                    {
                        cancel.ThrowIfCancellationRequested();
                        var rgb = frame.Plane(0);
                        byte[]? grey = settings.Temporal ? Grey(rgb, frame.Width, frame.Height, frame.Stride) : null;
                        // the temporal check needs the previous searched frame of the clip (the footage may have been searched every Nth frame)
                        bool consecutive = previousGrey is not null && index - previousFrame <= footage.FrameStep;
                        var current = new Dictionary<int, PseudoLabel>();
                        foreach (var (crop, i) in here)
                        {
                            var label = labeler.Label(rgb, frame.Width, frame.Height, frame.Stride, crop.CropBox(settings.CropFactor), random);
                            if (settings.Temporal && consecutive && previousByTrack.TryGetValue(crop.Track, out var before))
                                replaced += ApplyFlow(previousGrey!, grey!, frame.Width, frame.Height, before, label);
                            labels[i] = label;
                            sizes[i] = (frame.Width, frame.Height);
                            current[crop.Track] = label;
                            progress?.Invoke(++done, footage.Crops.Count);
                        }
                        previousByTrack = current;
                        previousGrey = grey;
                        previousFrame = index;
                    }
                }
            }
            catch (MediaException) { } // a clip that failed while searched failed at the same place: its crops before it are labelled
        }

        // pool every keypoint confidence (but those outside their box), keep the top share
        var confidences = new float[footage.Crops.Count * k];
        int outside = 0;
        for (int i = 0; i < labels.Length; i++)
            for (int j = 0; j < k; j++)
            {
                bool predicted = labels[i] is { } l && !l.Keypoints[j].IsMissing;
                bool away = predicted && settings.BoxMargin >= 0 && !Near(footage.Crops[i].Box, labels[i]!.Keypoints[j], settings.BoxMargin);
                if (away) outside++;
                confidences[i * k + j] = predicted && !away ? labels[i]!.Confidences[j] : float.NaN;
            }
        var kept = PseudoLabelSelector.Select(confidences, fraction, out float threshold);

        var keptPrecision = new PseudoLabelPrecision();
        var allPrecision = new PseudoLabelPrecision();
        int keptCount = 0;
        var images = new List<CocoImage>();
        var annotations = new List<CocoAnnotation>();
        var imageIds = new Dictionary<(string, long), long>();
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] is not { } label) continue;
            var crop = footage.Crops[i];
            var clip = footage.ClipFiles[crop.Clip];
            string file = clip.Video ? $"{Path.GetFullPath(crop.Source)}#{crop.Frame}" : Path.GetFullPath(crop.Source);
            if (!imageIds.TryGetValue((file, crop.Frame), out long imageId))
            {
                imageId = images.Count + 1;
                imageIds[(file, crop.Frame)] = imageId;
                images.Add(new CocoImage(imageId, file, sizes[i].W, sizes[i].H) { VideoId = crop.Clip, FrameIndex = crop.Frame });
            }
            var triplets = new float[3 * k];
            var scores = new float[k];
            int n = 0;
            var t = truth?.Invoke(crop);
            for (int j = 0; j < k; j++)
            {
                var p = label.Keypoints[j];
                scores[j] = float.IsFinite(label.Confidences[j]) ? label.Confidences[j] : 0;
                if (p.IsMissing) continue;
                triplets[3 * j] = p.X;
                triplets[3 * j + 1] = p.Y;
                if (t is { } truthOf) allPrecision.Add(p, truthOf.Points[j], truthOf.Size);
                if (!kept[i * k + j]) continue;
                triplets[3 * j + 2] = 2;
                n++;
                if (t is { } keptTruth) keptPrecision.Add(p, keptTruth.Points[j], keptTruth.Size);
            }
            keptCount += n;
            annotations.Add(new CocoAnnotation(annotations.Count + 1, imageId, 1, triplets, n, crop.Box, crop.Box.Area, false)
            {
                TrackId = crop.Track, Score = crop.Score, KeypointScores = scores,
            });
        }
        var category = CocoCategory.FromSchema(schema, 1, "horse") with { Supercategory = "animal" };
        CocoWriter.WriteGroundTruth(cocoPath, new CocoDataset(images, annotations, [category]), new Dictionary<string, string>
        {
            ["producer"] = $"PoseLive {ThisAssembly.Version} CC-SSL pseudo-labels",
            ["round"] = round.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["kept_fraction"] = fraction.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        });
        int total = confidences.Count(c => !float.IsNaN(c));
        return new PseudoLabelStats(round, footage.Crops.Count, total, keptCount, total > 0 ? (double)keptCount / total : 0, threshold, replaced,
            keptPrecision.Precision05, keptPrecision.Precision10, clock.Elapsed.TotalSeconds, allPrecision.Precision05, allPrecision.Precision10, outside);
    }

    /// <summary>Whether <paramref name="p"/> lies in <paramref name="box"/> grown on every side by <paramref name="margin"/> × its longer side.</summary>
    internal static bool Near(BoundingBox box, Keypoint p, double margin)
    {
        double m = margin * Math.Max(box.Width, box.Height);
        return p.X >= box.X - m && p.X <= box.Right + m && p.Y >= box.Y - m && p.Y <= box.Bottom + m;
    }

    private int ApplyFlow(byte[] previousGrey, byte[] grey, int width, int height, PseudoLabel previous, PseudoLabel label)
    {
        int k = schema.Count;
        var previousPoints = new (float X, float Y)[k];
        var previousConfidences = new float[k];
        var points = new (float X, float Y)[k];
        var confidences = new float[k];
        for (int j = 0; j < k; j++)
        {
            previousPoints[j] = previous.Keypoints[j].IsMissing ? (float.NaN, float.NaN) : (previous.Keypoints[j].X, previous.Keypoints[j].Y);
            previousConfidences[j] = previous.Keypoints[j].IsMissing ? 0 : previous.Confidences[j];
            points[j] = label.Keypoints[j].IsMissing ? (0, 0) : (label.Keypoints[j].X, label.Keypoints[j].Y);
            confidences[j] = label.Keypoints[j].IsMissing ? 0 : label.Confidences[j];
        }
        // a keypoint missing in the previous frame gives the flow nothing to carry (confidence 0)
        for (int j = 0; j < k; j++) if (float.IsNaN(previousPoints[j].X)) previousPoints[j] = (0, 0);
        var before = ((float X, float Y)[])points.Clone();
        var beforeConfidences = (float[])confidences.Clone();
        int replaced = settings.Flow.Apply(previousGrey, grey, width, height, previousPoints, previousConfidences, points, confidences);
        for (int j = 0; j < k; j++)
        {
            if (points[j] == before[j] && confidences[j] == beforeConfidences[j]) continue; // kept: the rule changes a keypoint only by replacing it
            label.Keypoints[j] = new Keypoint(points[j].X, points[j].Y, confidences[j]);
            label.Confidences[j] = confidences[j];
        }
        return replaced;
    }

    /// <summary>BT.601 luma of a packed RGB24 image (what Lucas–Kanade tracks on).</summary>
    internal static byte[] Grey(ReadOnlySpan<byte> rgb, int width, int height, int stride)
    {
        var grey = new byte[width * height];
        for (int y = 0; y < height; y++)
        {
            var row = rgb.Slice(y * stride, width * 3);
            for (int x = 0; x < width; x++)
                grey[y * width + x] = (byte)((299 * row[3 * x] + 587 * row[3 * x + 1] + 114 * row[3 * x + 2] + 500) / 1000);
        }
        return grey;
    }
}
