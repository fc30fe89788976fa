using System.Diagnostics;
using System.Globalization;
using PoseLive.Coco;
using PoseLive.Detection;
using PoseLive.Estimation;
using PoseLive.Media;
using PoseLive.Pose;

namespace PoseLive.Training.Adaptation;

/// <summary>
/// When a teacher's keypoint counts as a pseudo-label: confident (score ≥ <see cref="MinScore"/>), stable under a
/// horizontal flip (the teacher on the mirrored frame, mirrored back, within <see cref="FlipTolerance"/> of the box's
/// longer side) and over time (the same track's keypoint in the previous frame, carried here by Lucas–Kanade flow, lands
/// within <see cref="TemporalTolerance"/> of it). A keypoint the temporal check cannot judge (a track's first frame, a
/// lost flow) is not kept. The last <see cref="HoldOut"/> of each clip's frames is held out for validation, labelled by
/// the teacher's confident keypoints alone (the reference the student is scored against).
/// </summary>
public sealed record TeacherLabelSettings
{
    public float MinScore { get; init; } = 0.3f;
    // measured on vtest (served held-out AP vs Thunder, 5 epochs): 0.05 → 0.832, 0.1 → 0.886, 0.15 → 0.894; the tighter
    // rules dropped the hard keypoints the student most needed
    public double FlipTolerance { get; init; } = 0.15;
    public double TemporalTolerance { get; init; } = 0.15;
    public bool Flip { get; init; } = true;
    public bool Temporal { get; init; } = true;
    /// <summary>Lucas–Kanade window and pyramid levels (CC-SSL's 15×15, 2 levels).</summary>
    public TemporalConsistency Flow { get; init; } = new();
    public double HoldOut { get; init; } = 0.2;

    /// <summary>
    /// The rule for one keypoint: <paramref name="mirrored"/> is the teacher's keypoint on the mirrored frame mapped back
    /// (null without the flip check), <paramref name="previous"/> the track's keypoint in the previous frame and
    /// <paramref name="flowed"/> where Lucas–Kanade carried it (null when there is no previous frame); <paramref name="size"/>
    /// is the box's longer side.
    /// </summary>
    public KeypointVerdict Judge(Keypoint point, Keypoint? mirrored, Keypoint? previous, (float X, float Y, bool Found)? flowed, double size)
    {
        if (point.IsMissing || point.Score < MinScore) return KeypointVerdict.NotConfident;
        if (Flip && (mirrored is not { IsMissing: false } m || Distance(point, m.X, m.Y) > FlipTolerance * size)) return KeypointVerdict.FlipDisagrees;
        if (!Temporal) return KeypointVerdict.Kept;
        if (previous is not { IsMissing: false } b || b.Score < MinScore || flowed is not { Found: true } f) return KeypointVerdict.Unjudged;
        return Distance(point, f.X, f.Y) > TemporalTolerance * size ? KeypointVerdict.TemporalDisagrees : KeypointVerdict.Kept;
    }

    private static double Distance(Keypoint p, float x, float y) => Math.Sqrt((p.X - x) * (p.X - x) + (p.Y - y) * (p.Y - y));

    public TeacherLabelSettings Validate()
    {
        if (MinScore is < 0 or > 1) throw new ArgumentException("--min-score must be in [0, 1]");
        if (!(FlipTolerance > 0) || !(TemporalTolerance > 0)) throw new ArgumentException("--flip-tolerance and --temporal-tolerance must be positive");
        if (HoldOut is < 0 or >= 1) throw new ArgumentException("--val-split must be in [0, 1)");
        return this;
    }
}

/// <summary>Why a teacher keypoint was kept or not, in the order the checks run (each later verdict passed the earlier checks).</summary>
public enum KeypointVerdict { NotConfident, FlipDisagrees, Unjudged, TemporalDisagrees, Kept }

/// <summary>What a labelling pass kept, and why the rest went.</summary>
public sealed record TeacherLabelStats(int Crops, int HeldOutCrops, int Keypoints, int Confident, int FlipAgreed, int TemporalJudged, int TemporalAgreed, int Kept,
    int TrainInstances, double Seconds)
{
    public override string ToString() => string.Format(CultureInfo.InvariantCulture,
        "{0} crops ({1} held out); of {2} training keypoints {3} confident, {4} flip-consistent, {5} of {6} judged over time consistent; kept {7} ({8:P0}) in {9} instances ({10:F0} s)",
        Crops, HeldOutCrops, Keypoints, Confident, FlipAgreed, TemporalAgreed, TemporalJudged, Kept, Keypoints > 0 ? (double)Kept / Keypoints : 0, TrainInstances, Seconds);
}

/// <summary>
/// Pseudo-labels people in footage with a teacher pose model: the footage's tracked detections
/// (<see cref="FootageCrops"/>) are posed by the teacher, checked by <see cref="TeacherLabelSettings"/>, and written as two
/// video-backed COCO datasets (file_name VIDEO#FRAME, track ids, per-keypoint teacher scores; v = 2 marks a kept keypoint,
/// v = 0 keeps the rejected one's position for inspection): the training frames and the held-out later frames.
/// </summary>
public sealed class TeacherPseudoLabeler(IPoseEstimator teacher, TeacherLabelSettings settings)
{
    private byte[] _mirror = [];

    public TeacherLabelStats Run(FootageReport footage, string trainPath, string validationPath, Action<int, int>? progress = null, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        var schema = teacher.Schema;
        int k = schema.Count;
        var flipIndex = schema.FlipIndex();
        var train = new Output(schema);
        var held = new Output(schema);
        int keypoints = 0, confident = 0, flipAgreed = 0, judged = 0, temporalAgreed = 0, kept = 0, heldCrops = 0, done = 0;
        foreach (var clip in footage.Crops.GroupBy(c => c.Clip).OrderBy(g => g.Key))
        {
            var byFrame = clip.GroupBy(c => c.Frame).ToDictionary(g => g.Key, g => g.ToList());
            long last = byFrame.Keys.Max();
            long firstHeld = (long)Math.Ceiling((last + 1) * (1 - settings.HoldOut));
            var files = footage.ClipFiles[clip.Key];
            byte[]? previousGrey = null;
            long previousFrame = long.MinValue;
            var previousByTrack = new Dictionary<int, PersonPose>();
            try
            {
                foreach (var (frame, index, crops) in FootageCrops.FramesOf(files, byFrame))
                {
                    using (frame)
                    {
                        cancel.ThrowIfCancellationRequested();
                        int w = frame.Width, h = frame.Height, stride = frame.Stride;
                        var rgb = frame.Plane(0);
                        var boxes = crops.Select(c => new DetectedBox(c.Box, c.Score, 0)).ToList();
                        var poses = teacher.Estimate(rgb, w, h, stride, boxes);
                        bool isHeld = index >= firstHeld;
                        var target = isHeld ? held : train;
                        target.Image(crops[0], files, w, h);
                        if (isHeld)
                        {
                            heldCrops += crops.Count;
                            for (int i = 0; i < crops.Count; i++)
                            {
                                var v = poses[i].Keypoints.Select(p => !p.IsMissing && p.Score >= settings.MinScore).ToArray();
                                held.Add(crops[i], poses[i], v);
                            }
                        }
                        else
                        {
                            IReadOnlyList<PersonPose>? mirrored = settings.Flip ? Mirrored(rgb, w, h, stride, boxes, flipIndex) : null;
                            byte[]? grey = settings.Temporal ? PseudoLabelRound.Grey(rgb, w, h, stride) : null;
                            bool consecutive = previousGrey is not null && index - previousFrame <= footage.FrameStep;
                            for (int i = 0; i < crops.Count; i++)
                            {
                                var pose = poses[i];
                                double size = Math.Max(crops[i].Box.Width, crops[i].Box.Height);
                                var keep = new bool[k];
                                (float X, float Y, bool Found)[]? flowed = null;
                                if (settings.Temporal && consecutive && previousByTrack.TryGetValue(crops[i].Track, out var before))
                                    flowed = Interop.OpenCv.OpenCvFlow.Track(previousGrey!, grey!, w, h,
                                        before.Keypoints.Select(p => p.IsMissing ? (0f, 0f) : (p.X, p.Y)).ToArray(), settings.Flow.Window, settings.Flow.Levels);
                                var previous = flowed is null ? null : previousByTrack[crops[i].Track];
                                for (int j = 0; j < k; j++)
                                {
                                    keypoints++;
                                    var verdict = settings.Judge(pose.Keypoints[j], mirrored?[i].Keypoints[j], previous?.Keypoints[j],
                                        flowed is null ? null : flowed[j], size);
                                    if (verdict >= KeypointVerdict.FlipDisagrees) confident++;
                                    if (verdict >= KeypointVerdict.Unjudged) flipAgreed++;
                                    if (verdict >= KeypointVerdict.TemporalDisagrees && settings.Temporal) judged++;
                                    if (verdict == KeypointVerdict.Kept && settings.Temporal) temporalAgreed++;
                                    keep[j] = verdict == KeypointVerdict.Kept;
                                    if (keep[j]) kept++;
                                }
                                train.Add(crops[i], pose, keep);
                            }
                            previousGrey = grey;
                            previousFrame = index;
                            previousByTrack = crops.Select((c, i) => (c.Track, poses[i])).ToDictionary(t => t.Track, t => t.Item2);
                        }
                        done += crops.Count;
                        progress?.Invoke(done, footage.Crops.Count);
                    }
                }
            }
            catch (MediaException) { } // a clip that failed while searched fails at the same place: its frames before it are labelled
        }
        var producer = $"PoseLive {ThisAssembly.Version} teacher pseudo-labels";
        train.Write(trainPath, producer + " (training frames)");
        held.Write(validationPath, producer + " (held-out frames: the teacher's confident keypoints)");
        return new TeacherLabelStats(footage.Crops.Count, heldCrops, keypoints, confident, flipAgreed, judged, temporalAgreed, kept,
            train.Annotations.Count(a => a.NumKeypoints > 0), clock.Elapsed.TotalSeconds);
    }

    /// <summary>The teacher on the horizontally mirrored frame, mapped back: x → W − 1 − x and left/right keypoints swapped.</summary>
    private IReadOnlyList<PersonPose> Mirrored(ReadOnlySpan<byte> rgb, int width, int height, int stride, IReadOnlyList<DetectedBox> boxes, int[] flipIndex)
    {
        if (_mirror.Length != stride * height) _mirror = new byte[stride * height]; // one buffer for the whole footage
        var mirror = _mirror;
        for (int y = 0; y < height; y++)
        {
            var row = rgb.Slice(y * stride, width * 3);
            var to = mirror.AsSpan(y * stride, width * 3);
            for (int x = 0; x < width; x++) row.Slice(x * 3, 3).CopyTo(to.Slice((width - 1 - x) * 3, 3));
        }
        var flipped = boxes.Select(b => b with { Box = new BoundingBox(width - 1 - b.Box.X - b.Box.Width, b.Box.Y, b.Box.Width, b.Box.Height) }).ToList();
        var poses = teacher.Estimate(mirror, width, height, stride, flipped);
        return poses.Select(p =>
        {
            var back = new Keypoint[flipIndex.Length];
            for (int j = 0; j < back.Length; j++)
            {
                var m = p.Keypoints[flipIndex[j]];
                back[j] = m.IsMissing ? Keypoint.Missing : new Keypoint(width - 1 - m.X, m.Y, m.Score);
            }
            return p with { Keypoints = back };
        }).ToList();
    }

    /// <summary>One COCO file being assembled: images keyed by source and frame, one annotation per crop.</summary>
    private sealed class Output(KeypointSchema schema)
    {
        private readonly List<CocoImage> _images = [];
        private readonly Dictionary<string, long> _ids = new(StringComparer.Ordinal);
        public List<CocoAnnotation> Annotations { get; } = [];
        private long _current;

        public void Image(FootageCrop crop, FootageClip clip, int width, int height)
        {
            string file = clip.Video ? $"{Path.GetFullPath(crop.Source)}#{crop.Frame}" : Path.GetFullPath(crop.Source);
            if (!_ids.TryGetValue(file, out _current))
            {
                _current = _images.Count + 1;
                _ids[file] = _current;
                _images.Add(new CocoImage(_current, file, width, height) { VideoId = crop.Clip, FrameIndex = crop.Frame });
            }
        }

        public void Add(FootageCrop crop, PersonPose pose, bool[] keep)
        {
            int k = schema.Count, n = 0;
            var triplets = new float[3 * k];
            var scores = new float[k];
            for (int j = 0; j < k; j++)
            {
                var p = pose.Keypoints[j];
                if (p.IsMissing) continue;
                (triplets[3 * j], triplets[3 * j + 1], scores[j]) = (p.X, p.Y, p.Score);
                if (keep[j]) { triplets[3 * j + 2] = 2; n++; }
            }
            Annotations.Add(new CocoAnnotation(Annotations.Count + 1, _current, 1, triplets, n, crop.Box, crop.Box.Area, false)
            {
                TrackId = crop.Track, Score = pose.Score, KeypointScores = scores,
            });
        }

        public void Write(string path, string producer) =>
            CocoWriter.WriteGroundTruth(path, new CocoDataset(_images, Annotations, [CocoCategory.FromSchema(schema)]), new Dictionary<string, string> { ["producer"] = producer });
    }
}
