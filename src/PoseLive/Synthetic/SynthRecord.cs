using System.Text.Json;
using System.Text.Json.Serialization;

namespace PoseLive.Synthetic;

/// <summary>One finished image in a synth run's journal (labels.jsonl): its file, labels and how it was drawn.</summary>
public sealed record SynthRecord
{
    [JsonPropertyName("index")] public long Index { get; init; }
    [JsonPropertyName("file_name")] public required string FileName { get; init; }
    [JsonPropertyName("width")] public int Width { get; init; }
    [JsonPropertyName("height")] public int Height { get; init; }
    [JsonPropertyName("animal")] public int Animal { get; init; }
    [JsonPropertyName("gait")] public required string Gait { get; init; }
    [JsonPropertyName("video_id")] public long? VideoId { get; init; }
    [JsonPropertyName("frame_index")] public long? FrameIndex { get; init; }
    [JsonPropertyName("attempts")] public int Attempts { get; init; }
    /// <summary>Null when a clip frame shows fewer visible keypoints than the minimum (the frame is kept, unlabelled).</summary>
    [JsonPropertyName("keypoints")] public float[]? Keypoints { get; init; }
    [JsonPropertyName("keypoints_projected")] public required float[] Projected { get; init; }
    [JsonPropertyName("num_keypoints")] public int NumKeypoints { get; init; }
    [JsonPropertyName("bbox")] public required float[] Box { get; init; }
    [JsonPropertyName("area")] public int Area { get; init; }

    private static readonly JsonSerializerOptions s_json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public string ToJson() => JsonSerializer.Serialize(this, s_json);

    /// <summary>A journal line's record, or null for a line that is cut, malformed or inconsistent (resuming stops there).</summary>
    public static SynthRecord? Parse(string line)
    {
        SynthRecord? r;
        try { r = JsonSerializer.Deserialize<SynthRecord>(line, s_json); }
        catch (JsonException) { return null; }
        int k3 = 3 * HorseLandmarks.Count;
        bool ok = r is not null && r.Index >= 0 && r.Width > 0 && r.Height > 0 && r.Box is { Length: 4 } && r.Projected is { Length: var p } && p == k3
            && (r.Keypoints is null || r.Keypoints.Length == k3) && r.NumKeypoints is >= 0 and <= HorseLandmarks.Count && r.Area >= 0
            && !string.IsNullOrEmpty(r.FileName) && !Path.IsPathRooted(r.FileName) && !r.FileName.Contains("..", StringComparison.Ordinal)
            && r.Box.Concat(r.Projected).Concat(r.Keypoints ?? []).All(float.IsFinite);
        return ok ? r : null;
    }
}
