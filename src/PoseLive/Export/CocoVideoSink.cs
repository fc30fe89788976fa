using System.Diagnostics;
using PoseLive.Coco;
using PoseLive.Pipeline;
using PoseLive.Pose;

namespace PoseLive.Export;

/// <summary>
/// Writes a video's annotation as COCO: a dataset file (images = frames with file_name "video#frame",
/// frame index and timestamp; annotations with track_id, score and keypoint scores; visibility 2 for
/// keypoints at or above the score threshold, else 0) that `poselive eval --gt` loads, and a results
/// file (COCO results array with track_id) for `--dt`. Both are rewritten atomically at checkpoints
/// (every <see cref="CheckpointSeconds"/> of wall time) and at completion, also after cancellation, so the
/// files on disk are always valid and hold every frame finished by the last checkpoint.
/// </summary>
public sealed class CocoVideoSink(string datasetPath, string resultsPath, string videoName, KeypointSchema schema, string category = "person") : IFrameSink
{
    private readonly List<CocoImage> _images = [];
    private readonly List<CocoAnnotation> _annotations = [];
    private readonly List<CocoResult> _results = [];
    private long _lastCheckpoint = Stopwatch.GetTimestamp();

    public double CheckpointSeconds { get; init; } = 10;
    public float VisibleScore { get; init; } = 0.3f;
    public IReadOnlyDictionary<string, string> Info { get; init; } = new Dictionary<string, string>();

    public int FrameCount => _images.Count;

    /// <summary>Adds frames finished by an earlier run (resume).</summary>
    public void Preload(IEnumerable<JournalFrame> frames)
    {
        foreach (var f in frames) Add(f.Frame, f.Time, f.Width, f.Height, f.People);
    }

    public void Write(FrameResult r)
    {
        Add(r.FrameIndex, r.Time, r.Width, r.Height, r.People.Select(p => (p.TrackId, p.Keypoints, p.Box, p.Score)).ToList());
        if (Stopwatch.GetElapsedTime(_lastCheckpoint).TotalSeconds >= CheckpointSeconds) Checkpoint();
    }

    public void Complete(bool cancelled) => Checkpoint();

    private void Add(long frame, double time, int width, int height, IReadOnlyList<(int TrackId, Keypoint[] Keypoints, BoundingBox Box, float Score)> people)
    {
        long imageId = frame + 1;
        _images.Add(new CocoImage(imageId, $"{videoName}#{frame}", width, height) { FrameIndex = frame, Timestamp = time });
        foreach (var (trackId, kps, box, score) in people)
        {
            var triplets = new float[kps.Length * 3];
            var scores = new float[kps.Length];
            int visible = 0;
            for (int i = 0; i < kps.Length; i++)
            {
                var k = kps[i];
                scores[i] = k.Score;
                if (k.IsMissing) continue;
                triplets[3 * i] = k.X;
                triplets[3 * i + 1] = k.Y;
                if (k.Score >= VisibleScore) { triplets[3 * i + 2] = 2; visible++; }
            }
            _annotations.Add(new CocoAnnotation(_annotations.Count + 1, imageId, 1, triplets, visible, box, box.Area, false)
            {
                TrackId = trackId, Score = score, KeypointScores = scores,
            });
            var resultKps = new float[kps.Length * 3];
            for (int i = 0; i < kps.Length; i++)
                if (!kps[i].IsMissing) (resultKps[3 * i], resultKps[3 * i + 1], resultKps[3 * i + 2]) = (kps[i].X, kps[i].Y, kps[i].Score);
            _results.Add(new CocoResult(imageId, 1, resultKps, score) { TrackId = trackId, Box = box });
        }
    }

    private void Checkpoint()
    {
        CocoWriter.WriteGroundTruth(datasetPath, new CocoDataset(_images, _annotations, [CocoCategory.FromSchema(schema, 1, category) with { Supercategory = category == "person" ? "person" : "animal" }]), Info);
        CocoWriter.WriteResults(resultsPath, _results);
        _lastCheckpoint = Stopwatch.GetTimestamp();
    }
}
