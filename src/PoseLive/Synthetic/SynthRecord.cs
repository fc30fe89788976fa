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

    public static SynthRecord? Parse(string line)
    {
        try { return JsonSerializer.Deserialize<SynthRecord>(line, s_json); }
        catch (JsonException) { return null; }
    }
}
