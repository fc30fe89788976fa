using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PoseLive.Training.Runs;

/// <summary>One line of metrics.jsonl: an epoch's training loss, rate, throughput and (when validated) its metrics.</summary>
public sealed record EpochRecord
{
    /// <summary>Epochs completed (1 for the first).</summary>
    [JsonPropertyName("epoch")] public int Epoch { get; init; }
    [JsonPropertyName("train_loss")] public double TrainLoss { get; init; }
    [JsonPropertyName("lr")] public double LearningRate { get; init; }
    [JsonPropertyName("steps")] public int Steps { get; init; }
    [JsonPropertyName("images_per_s")] public double ImagesPerSecond { get; init; }
    [JsonPropertyName("train_seconds")] public double TrainSeconds { get; init; }
    [JsonPropertyName("val_seconds")] public double? ValidationSeconds { get; init; }
    [JsonPropertyName("AP")] public double? AP { get; init; }
    [JsonPropertyName("AP50")] public double? AP50 { get; init; }
    [JsonPropertyName("AP75")] public double? AP75 { get; init; }
    [JsonPropertyName("AR")] public double? AR { get; init; }
    [JsonPropertyName("PCK@0.05")] public double? Pck05 { get; init; }
    [JsonPropertyName("PCK@0.1")] public double? Pck10 { get; init; }
    [JsonPropertyName("PCK@0.05_per_keypoint")] public Dictionary<string, double>? Pck05PerKeypoint { get; init; }
    [JsonPropertyName("PCK@0.1_per_keypoint")] public Dictionary<string, double>? Pck10PerKeypoint { get; init; }
    [JsonPropertyName("best")] public bool Best { get; init; }
}

/// <summary>
/// A run's records: metrics.jsonl (one line per epoch, rewritten atomically; a resumed run drops the lines of epochs
/// it trains again) and the PNG plots drawn from it (loss.png, val.png, pck_per_keypoint.png).
/// </summary>
public sealed class TrainingRecords(string directory)
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly List<EpochRecord> _epochs = [];

    public string MetricsPath => Path.Combine(directory, "metrics.jsonl");
    public IReadOnlyList<EpochRecord> Epochs => _epochs;

    /// <summary>Reads earlier epochs (resume), keeping those before <paramref name="startEpoch"/> (0-based next epoch).</summary>
    public void LoadBefore(int startEpoch)
    {
        _epochs.Clear();
        if (!File.Exists(MetricsPath)) return;
        foreach (var line in File.ReadLines(MetricsPath))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            EpochRecord? r;
            try { r = JsonSerializer.Deserialize<EpochRecord>(line, s_json); }
            catch (JsonException) { break; } // a torn last line: the epochs before it are kept
            if (r is not null && r.Epoch <= startEpoch) _epochs.Add(r);
        }
    }

    public void Add(EpochRecord record)
    {
        _epochs.RemoveAll(e => e.Epoch >= record.Epoch);
        _epochs.Add(record);
        var sb = new StringBuilder();
        foreach (var e in _epochs) sb.Append(JsonSerializer.Serialize(e, s_json)).Append('\n');
        IO.AtomicFile.WriteAllBytes(MetricsPath, Encoding.UTF8.GetBytes(sb.ToString()));
    }

    /// <summary>Draws the plots from the records so far; <paramref name="metricName"/> names the selection metric.</summary>
    public void Plot(string metricName)
    {
        if (_epochs.Count == 0) return;
        var x = _epochs.Select(e => (double)e.Epoch).ToArray();
        Records.TrainingPlots.Lines(Path.Combine(directory, "loss.png"), "Training loss", "epoch", "loss",
            [new Records.PlotSeries("train loss", x, _epochs.Select(e => e.TrainLoss).ToArray())]);
        var validated = _epochs.Where(e => e.AP is not null || e.Pck05 is not null).ToList();
        if (validated.Count == 0) return;
        var vx = validated.Select(e => (double)e.Epoch).ToArray();
        Records.TrainingPlots.Lines(Path.Combine(directory, "val.png"), $"Validation ({metricName} selects the best)", "epoch", "metric",
        [
            new Records.PlotSeries("OKS AP", vx, validated.Select(e => e.AP ?? double.NaN).ToArray()),
            new Records.PlotSeries("PCK@0.05", vx, validated.Select(e => e.Pck05 ?? double.NaN).ToArray()),
            new Records.PlotSeries("PCK@0.1", vx, validated.Select(e => e.Pck10 ?? double.NaN).ToArray()),
        ]);
        var last = validated[^1];
        if (last.Pck05PerKeypoint is { Count: > 0 } perKeypoint)
            Records.TrainingPlots.Bars(Path.Combine(directory, "pck_per_keypoint.png"), string.Format(CultureInfo.InvariantCulture, "PCK@0.05 per keypoint (epoch {0})", last.Epoch),
                perKeypoint.Keys.ToArray(), perKeypoint.Values.Select(v => double.IsNaN(v) ? 0 : v).ToArray(), "PCK@0.05");
        if (last.Pck10PerKeypoint is { Count: > 0 } perKeypoint10)
            Records.TrainingPlots.Bars(Path.Combine(directory, "pck10_per_keypoint.png"), string.Format(CultureInfo.InvariantCulture, "PCK@0.1 per keypoint (epoch {0})", last.Epoch),
                perKeypoint10.Keys.ToArray(), perKeypoint10.Values.Select(v => double.IsNaN(v) ? 0 : v).ToArray(), "PCK@0.1");
    }
}
