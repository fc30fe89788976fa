using System.Text;
using System.Text.Json;
using PoseLive.Estimation;
using PoseLive.Pipeline;
using PoseLive.Pose;

namespace PoseLive.Export;

/// <summary>
/// One finished frame as journaled: raw estimates (exact floats, for resuming) and the tracked people; live runs
/// mark the people carried by the tracker rather than estimated in this frame (<see cref="Extrapolated"/>: their track ids).
/// </summary>
public sealed record JournalFrame(long Frame, double Time, int Width, int Height, bool Detected, IReadOnlyList<PersonPose> Raw,
    IReadOnlyList<(int TrackId, Keypoint[] Keypoints, BoundingBox Box, float Score)> People)
{
    public IReadOnlySet<int> Extrapolated { get; init; } = new HashSet<int>();
}

/// <summary>
/// Per-frame JSON Lines: one complete line per finished frame, flushed as written, so streaming
/// consumers see frames as they finish and a killed run leaves every finished frame on disk. Floats are
/// written round-trippable, so a resumed run can rebuild the tracker state exactly. A truncated last line
/// (a crash mid-write) is ignored by <see cref="Read"/> and cut off by <see cref="OpenForAppend"/>.
/// </summary>
public sealed class FrameJournal : IFrameSink, IDisposable
{
    private readonly FileStream _stream;
    private readonly MemoryStream _line = new();
    private Utf8JsonWriter? _writer;                                    // one writer over _line, reset per line: a line allocates nothing

    private FrameJournal(FileStream stream) => _stream = stream;

    public string Path => _stream.Name;

    /// <summary>
    /// Creates a new journal, or (resume) keeps its complete lines and appends after them. A new journal with
    /// <paramref name="settings"/> starts with one line {"settings": {…}}: what shaped its results, which a resumed
    /// run must match and merge checks.
    /// </summary>
    public static FrameJournal OpenForAppend(string path, bool resume, IReadOnlyDictionary<string, string>? settings = null)
    {
        long keep = 0;
        if (resume && File.Exists(path)) keep = CompleteLength(path);
        var stream = new FileStream(path, resume ? FileMode.OpenOrCreate : FileMode.Create, FileAccess.ReadWrite, FileShare.Read);
        stream.SetLength(keep);
        stream.Seek(keep, SeekOrigin.Begin);
        var journal = new FrameJournal(stream);
        if (keep == 0 && settings is not null) journal.WriteSettings(settings);
        return journal;
    }

    private void WriteSettings(IReadOnlyDictionary<string, string> settings)
    {
        _line.SetLength(0);
        using (var w = new Utf8JsonWriter(_line))
        {
            w.WriteStartObject();
            w.WriteStartObject(SettingsKey);
            foreach (var (k, v) in settings) w.WriteString(k, v);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        _line.WriteByte((byte)'\n');
        _stream.Write(_line.GetBuffer(), 0, (int)_line.Length);
        _stream.Flush();
    }

    /// <summary>The property of the settings line.</summary>
    public const string SettingsKey = "settings";

    /// <summary>The settings line of a journal, or null when it has none (written by an older PoseLive, or by `run`).</summary>
    public static IReadOnlyDictionary<string, string>? ReadSettings(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        var first = reader.ReadLine();
        if (string.IsNullOrEmpty(first)) return null;
        try
        {
            using var doc = JsonDocument.Parse(first);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty(SettingsKey, out var s) || s.ValueKind != JsonValueKind.Object) return null;
            var settings = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var p in s.EnumerateObject())
                if (!settings.TryAdd(p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText()))
                    throw new InvalidDataException($"{path}: line 1: the settings name '{p.Name}' twice");
            return settings;
        }
        catch (JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            throw new InvalidDataException($"{path}: line 1: the settings line has text that is not valid UTF-8 or a bad escape");
        }
    }

    public void Write(FrameResult r)
    {
        _line.SetLength(0);
        var w = _writer ??= new Utf8JsonWriter(_line);
        w.Reset(_line);
        {
            w.WriteStartObject();
            w.WriteNumber("frame", r.FrameIndex);
            w.WriteNumber("time", r.Time);
            w.WriteNumber("width", r.Width);
            w.WriteNumber("height", r.Height);
            w.WriteBoolean("detected", r.Detected);
            w.WriteStartArray("raw");
            for (int i = 0; i < r.RawPoses.Count; i++)
            {
                var p = r.RawPoses[i];
                w.WriteStartObject();
                WriteBox(w, p.Box);
                w.WriteNumber("box_score", p.BoxScore);
                w.WriteNumber("score", p.Score);
                WriteKeypoints(w, p.Keypoints);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("people");
            for (int i = 0; i < r.People.Count; i++)
            {
                var p = r.People[i];
                w.WriteStartObject();
                w.WriteNumber("track_id", p.TrackId);
                WriteBox(w, p.Box);
                w.WriteNumber("score", p.Score);
                WriteKeypoints(w, p.Keypoints);
                if (p.Extrapolated) w.WriteBoolean("extrapolated", true);       // live, over the pose budget: not estimated in this frame
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.Flush();
        }
        _line.WriteByte((byte)'\n');
        _stream.Write(_line.GetBuffer(), 0, (int)_line.Length); // one write per complete line
        _stream.Flush();
    }

    public void Complete(bool cancelled) => _stream.Flush(flushToDisk: true);

    public void Dispose()
    {
        _writer?.Dispose();
        _stream.Dispose();
    }

    private static void WriteBox(Utf8JsonWriter w, BoundingBox b)
    {
        w.WriteStartArray("box");
        w.WriteNumberValue(b.X); w.WriteNumberValue(b.Y); w.WriteNumberValue(b.Width); w.WriteNumberValue(b.Height);
        w.WriteEndArray();
    }

    private static void WriteKeypoints(Utf8JsonWriter w, Keypoint[] keypoints)
    {
        w.WriteStartArray("keypoints");
        foreach (var k in keypoints)
        {
            if (k.IsMissing) { w.WriteNullValue(); w.WriteNullValue(); } // missing: explicit nulls
            else { w.WriteNumberValue(k.X); w.WriteNumberValue(k.Y); }
            w.WriteNumberValue(k.Score);
        }
        w.WriteEndArray();
    }

    /// <summary>The complete frames of a journal, in order (a truncated last line is ignored).</summary>
    public static List<JournalFrame> Read(string path)
    {
        var frames = new List<JournalFrame>();
        using var reader = new StreamReader(path, Encoding.UTF8);
        int lineNumber = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (reader.EndOfStream && !EndsWithNewline(path)) break; // the last line was cut off mid-write
            try
            {
                using var doc = JsonDocument.Parse(line);
                if (lineNumber == 1 && doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(SettingsKey, out _)) continue;
                frames.Add(Parse(doc.RootElement));
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException or FormatException or OverflowException or ArgumentException)
            {
                var why = e switch
                {
                    JsonException => "not valid JSON",
                    KeyNotFoundException => "a field is missing",
                    IndexOutOfRangeException => "a box needs 4 numbers",
                    _ => "a field has the wrong type or is out of range",
                };
                throw new InvalidDataException($"{path}: line {lineNumber} is not a journal frame ({why})");
            }
        }
        return frames;
    }

    private static JournalFrame Parse(JsonElement e)
    {
        static BoundingBox Box(JsonElement b) => new(b[0].GetSingle(), b[1].GetSingle(), b[2].GetSingle(), b[3].GetSingle());
        static Keypoint[] Kps(JsonElement a)
        {
            var k = new Keypoint[a.GetArrayLength() / 3];
            for (int i = 0; i < k.Length; i++)
                k[i] = a[3 * i].ValueKind == JsonValueKind.Null ? Keypoint.Missing : new Keypoint(a[3 * i].GetSingle(), a[3 * i + 1].GetSingle(), a[3 * i + 2].GetSingle());
            return k;
        }
        var raw = e.GetProperty("raw").EnumerateArray().Select(p =>
            new PersonPose(Kps(p.GetProperty("keypoints")), Box(p.GetProperty("box")), p.GetProperty("box_score").GetSingle(), p.GetProperty("score").GetSingle())).ToList();
        var people = e.GetProperty("people").EnumerateArray().Select(p =>
            (p.GetProperty("track_id").GetInt32(), Kps(p.GetProperty("keypoints")), Box(p.GetProperty("box")), p.GetProperty("score").GetSingle())).ToList();
        var extrapolated = e.GetProperty("people").EnumerateArray()
            .Where(p => p.TryGetProperty("extrapolated", out var x) && x.GetBoolean()).Select(p => p.GetProperty("track_id").GetInt32()).ToHashSet();
        return new JournalFrame(e.GetProperty("frame").GetInt64(), e.GetProperty("time").GetDouble(), e.GetProperty("width").GetInt32(),
            e.GetProperty("height").GetInt32(), e.GetProperty("detected").GetBoolean(), raw, people) { Extrapolated = extrapolated };
    }

    private static bool EndsWithNewline(string path)
    {
        using var f = File.OpenRead(path);
        if (f.Length == 0) return true;
        f.Seek(-1, SeekOrigin.End);
        return f.ReadByte() == '\n';
    }

    /// <summary>Length in bytes of the journal up to and including its last newline.</summary>
    private static long CompleteLength(string path)
    {
        var bytes = File.ReadAllBytes(path);
        int last = Array.LastIndexOf(bytes, (byte)'\n');
        return last + 1;
    }
}
