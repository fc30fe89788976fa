using System.Text.Json;
using PoseLive.IO;

namespace PoseLive.Coco;

/// <summary>Writes COCO ground truth and results JSON atomically (temporary file, then rename).</summary>
public static class CocoWriter
{
    public static void WriteGroundTruth(string path, CocoDataset dataset, IReadOnlyDictionary<string, string>? info = null) => WriteAtomically(path, w =>
    {
        w.WriteStartObject();
        if (info is not null)
        {
            w.WriteStartObject("info");
            foreach (var (k, v) in info) w.WriteString(k, v);
            w.WriteEndObject();
        }
        w.WriteStartArray("images");
        foreach (var i in dataset.Images) WriteImage(w, i);
        w.WriteEndArray();
        w.WriteStartArray("annotations");
        foreach (var a in dataset.Annotations)
        {
            w.WriteStartObject();
            w.WriteNumber("id", a.Id);
            w.WriteNumber("image_id", a.ImageId);
            w.WriteNumber("category_id", a.CategoryId);
            WriteFloats(w, "keypoints", a.Keypoints);
            w.WriteNumber("num_keypoints", a.NumKeypoints);
            WriteFloats(w, "bbox", [a.Box.X, a.Box.Y, a.Box.Width, a.Box.Height]);
            w.WriteNumber("area", a.Area);
            w.WriteNumber("iscrowd", a.IsCrowd ? 1 : 0);
            if (a.TrackId is long t) w.WriteNumber("track_id", t);
            if (a.Score is double sc) w.WriteNumber("score", Math.Round(sc, 6));
            if (a.KeypointScores is { } ks) WriteFloats(w, "keypoint_scores", ks);
            if (a.ProjectedKeypoints is { } pk) WriteFloats(w, "keypoints_projected", pk);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("categories");
        foreach (var c in dataset.Categories) WriteCategory(w, c);
        w.WriteEndArray();
        w.WriteEndObject();
    });

    public static void WriteResults(string path, IEnumerable<CocoResult> results) => WriteAtomically(path, w =>
    {
        w.WriteStartArray();
        foreach (var r in results) WriteResult(w, r);
        w.WriteEndArray();
    });

    internal static void WriteImage(Utf8JsonWriter w, CocoImage i)
    {
        w.WriteStartObject();
        w.WriteNumber("id", i.Id);
        w.WriteString("file_name", i.FileName);
        w.WriteNumber("width", i.Width);
        w.WriteNumber("height", i.Height);
        if (i.VideoId is long v) w.WriteNumber("video_id", v);
        if (i.FrameIndex is long f) w.WriteNumber("frame_index", f);
        if (i.Timestamp is double t) w.WriteNumber("timestamp", Math.Round(t, 6));
        w.WriteEndObject();
    }

    internal static void WriteCategory(Utf8JsonWriter w, CocoCategory c)
    {
        w.WriteStartObject();
        w.WriteNumber("id", c.Id);
        w.WriteString("name", c.Name);
        w.WriteString("supercategory", c.Supercategory);
        w.WriteStartArray("keypoints");
        foreach (var k in c.Keypoints) w.WriteStringValue(k);
        w.WriteEndArray();
        w.WriteStartArray("skeleton");
        foreach (var p in c.Skeleton) { w.WriteStartArray(); w.WriteNumberValue(p[0]); w.WriteNumberValue(p[1]); w.WriteEndArray(); }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    internal static void WriteResult(Utf8JsonWriter w, CocoResult r)
    {
        w.WriteStartObject();
        w.WriteNumber("image_id", r.ImageId);
        w.WriteNumber("category_id", r.CategoryId);
        WriteFloats(w, "keypoints", r.Keypoints);
        w.WriteNumber("score", Math.Round(r.Score, 6));
        if (r.TrackId is long t) w.WriteNumber("track_id", t);
        if (r.Box is { } b) WriteFloats(w, "bbox", [b.X, b.Y, b.Width, b.Height]);
        w.WriteEndObject();
    }

    private static void WriteFloats(Utf8JsonWriter w, string name, ReadOnlySpan<float> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            if (!float.IsFinite(v)) throw new ArgumentException($"'{name}' holds a non-finite value; COCO JSON cannot store it.");
            w.WriteNumberValue(Math.Round((double)v, 3));
        }
        w.WriteEndArray();
    }

    private static void WriteAtomically(string path, Action<Utf8JsonWriter> write)
    {
        var tmp = AtomicFile.TemporaryPathFor(path);
        try
        {
            using (var stream = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                using (var writer = new Utf8JsonWriter(stream)) write(writer);
                stream.Flush(flushToDisk: true);
            }
            AtomicFile.Commit(tmp, path);
        }
        catch
        {
            AtomicFile.Abandon(tmp);
            throw;
        }
    }
}
