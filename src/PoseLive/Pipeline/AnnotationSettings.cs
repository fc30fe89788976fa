using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using PoseLive.Export;
using PoseLive.Models;
using PoseLive.Tracking;

namespace PoseLive.Pipeline;

/// <summary>A fresh annotate run would replace an earlier run's outputs.</summary>
public sealed class OutputExistsException(string message) : IOException(message);

/// <summary>--resume with settings that differ from the interrupted run's.</summary>
public sealed class ResumeMismatchException(string message) : InvalidOperationException(message);

/// <summary>
/// What shapes an annotate run's results, as recorded in the first line of its journal: the source (name, size and a
/// hash of its first and last MiB), both models (name and SHA-256 of the ONNX file), detector interval and threshold,
/// tracker and smoother parameters, shard and its frame range, device. A resumed run must match it exactly; merge
/// reads the frame range to refuse incomplete shards.
/// </summary>
public static class AnnotationSettings
{
    /// <summary>Keys that describe rather than shape the results (not compared on resume).</summary>
    private static readonly HashSet<string> Informational = ["producer"];

    public static IReadOnlyDictionary<string, string> Of(string video, ModelCard detector, string detectorPath, ModelCard pose, string posePath,
        AnnotateOptions o, TrackerOptions tracker, string device, long firstFrame, long? shardFrames)
    {
        var inv = CultureInfo.InvariantCulture;
        return new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["video"] = Path.GetFileName(video),
            ["video_fingerprint"] = Fingerprint(video),
            ["detector"] = detector.Name,
            ["detector_sha256"] = Sha256(detectorPath),
            ["detector_interval"] = o.DetectorInterval.ToString(inv),
            ["detector_threshold"] = o.DetectorThreshold.ToString("R", inv),
            ["keypoint_threshold"] = o.KeypointThreshold.ToString("R", inv),
            ["pose_model"] = pose.Name,
            ["pose_model_sha256"] = Sha256(posePath),
            ["tracker"] = JsonSerializer.Serialize(tracker with { Sigmas = [.. tracker.Sigmas] }, TrackerJson),
            ["shard"] = $"{o.Shard.Index}/{o.Shard.Count}",
            ["shard_first_frame"] = firstFrame.ToString(inv),
            ["shard_frames"] = shardFrames?.ToString(inv) ?? "unknown",
            ["device"] = device,
            ["producer"] = $"PoseLive {ThisAssembly.Version}",
        };
    }

    /// <summary>Throws <see cref="ResumeMismatchException"/> naming each setting that differs from the journal's.</summary>
    public static void CheckResume(string journalPath, IReadOnlyDictionary<string, string> settings)
    {
        var recorded = FrameJournal.ReadSettings(journalPath)
            ?? throw new ResumeMismatchException($"{journalPath}: has no settings line (written by an older PoseLive), so --resume cannot check it continues the same run; start again with --overwrite");
        var differences = settings.Keys.Union(recorded.Keys).Order(StringComparer.Ordinal)
            .Where(k => !Informational.Contains(k) && recorded.GetValueOrDefault(k) != settings.GetValueOrDefault(k))
            .Select(k => $"{k} {Show(recorded.GetValueOrDefault(k))} → {Show(settings.GetValueOrDefault(k))}")
            .ToList();
        if (differences.Count > 0)
            throw new ResumeMismatchException(
                $"{journalPath}: --resume with other settings than the interrupted run: {string.Join("; ", differences)}. Resume with the run's settings, or start again with --overwrite");
    }

    private static string Show(string? v) => v is null ? "(none)" : v.Length > 40 ? v[..12] + "…" : v;

    private static readonly JsonSerializerOptions TrackerJson = new() { WriteIndented = false };

    private static string Sha256(string path)
    {
        using var f = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(f));
    }

    /// <summary>Size plus SHA-256 of the first and last MiB: cheap, and changes when the file does.</summary>
    private static string Fingerprint(string video)
    {
        if (!File.Exists(video)) return "not a file";
        using var f = File.OpenRead(video);
        const int chunk = 1 << 20;
        var head = new byte[(int)Math.Min(chunk, f.Length)];
        f.ReadExactly(head);
        var tail = new byte[(int)Math.Min(chunk, f.Length)];
        f.Seek(-tail.Length, SeekOrigin.End);
        f.ReadExactly(tail);
        return $"{f.Length.ToString(CultureInfo.InvariantCulture)}:{Convert.ToHexStringLower(SHA256.HashData([.. head, .. tail]))[..32]}";
    }
}
