using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using PoseLive.Coco;
using PoseLive.Detection;
using PoseLive.Inference;
using PoseLive.Models;
using PoseLive.Pose;
using PoseLive.Synthetic;
using PoseLive.Training.Adaptation;
using PoseLive.Training.Data;
using PoseLive.Training.Nets;
using PoseLive.Training.Runs;

namespace PoseLive.Training.Benchmarks;

/// <summary>The scale of a CC-SSL benchmark: data sizes, net, input and epochs (the reduced default fits ≤ 90 min on 2 cores).</summary>
public sealed record CcsslBenchmarkSettings
{
    public int SourceImages { get; init; } = 2000;
    public int AdaptClips { get; init; } = 48;
    public int EvalClips { get; init; } = 12;
    public double ClipSeconds { get; init; } = 2;
    public double Fps { get; init; } = 12.5;
    public int ImageWidth { get; init; } = 320;
    public int ImageHeight { get; init; } = 240;
    public string Net { get; init; } = "lpn50";
    public int Input { get; init; } = 64;
    public double Sigma { get; init; } = 1;
    public int PretrainEpochs { get; init; } = 30;
    public double PretrainLearningRate { get; init; } = 5e-4;
    public int Epochs { get; init; } = 4;
    public int RoundEpochs { get; init; } = 1;
    /// <summary>Images per step from each domain (small, so that the short runs make many steps).</summary>
    public int Batch { get; init; } = 8;
    /// <summary>The threshold schedule in the reduced setting's epochs: 20 % kept at round 0, +20 % a round, at most 80 % (the paper's per-round steps).</summary>
    public double KeepSlope { get; init; } = 0.2;
    public ulong Seed { get; init; } = 7;
    /// <summary>The seed the source and target sets are rendered from (default <see cref="Seed"/>): another <see cref="Seed"/> on the same data shows the rows' seed-to-seed spread.</summary>
    public ulong? DataSeed { get; init; }
    /// <summary>Learning-rate warm-up steps at the start of every adaptation row and the oracle (<see cref="CcsslOptions.WarmupSteps"/>; 0 = the paper's recipe).</summary>
    public int AdaptWarmup { get; init; }
    /// <summary>A finished synthetic training run to start from instead of pretraining: its last.pth (else best.pth), as every row is scored at its last epoch.</summary>
    public string? PretrainedRun { get; init; }
    /// <summary>The labelled source set (annotations.json) instead of rendering one (with <see cref="PretrainedRun"/>: the set it was trained on).</summary>
    public string? SourceDataset { get; init; }
    /// <summary>Train beside the pseudo-labels on the first N source images only (0: all), so an epoch is N / batch steps.</summary>
    public int SourceLimit { get; init; }
    /// <summary>CenterNet's score threshold when the adaptation clips are searched for horses (footage.json is reused once written).</summary>
    public double DetectorThreshold { get; init; } = 0.3;
    /// <summary>The box check's margin (<see cref="PseudoLabelSettings.BoxMargin"/>; negative = off, the paper).</summary>
    public double BoxMargin { get; init; } = -1;
    /// <summary>The pseudo-label loss weight λ (the paper: 10).</summary>
    public double Lambda { get; init; } = 10;

    /// <summary>
    /// The reduced setting run from a cached synthetic model: an LPN-50 at 128×128 trained earlier on basic-style horses
    /// (`poselive train … --input 128x128`, the README's recipe), the first 1200 of them beside the pseudo-labels; the kept share rises
    /// 20 → 30 → 40 → 50 % (with +20 % a round the fourth round's 80 % of labels were 15 % precise and undid the gains);
    /// 24 labelled evaluation clips (12 left scores swinging ±0.05 between epochs); the adaptation and the oracle warm up
    /// over their first 100 steps, so that the fresh RMSprop state does not move the pretrained weights by ~10× the rate.
    /// </summary>
    public static CcsslBenchmarkSettings Cached(string run, string source) => new()
    {
        PretrainedRun = run, SourceDataset = source, SourceLimit = 1200, Input = 128, Sigma = 2, KeepSlope = 0.1, EvalClips = 24, AdaptWarmup = 100,
    };

    /// <summary>The settings with one `Name=value` applied (a number property of the record).</summary>
    public CcsslBenchmarkSettings With(string assignment)
    {
        int eq = assignment.IndexOf('=');
        var property = eq > 0 ? typeof(CcsslBenchmarkSettings).GetProperty(assignment[..eq]) : null;
        if (property is null || !property.CanWrite || property.PropertyType == typeof(string))
            throw new ArgumentException($"'{assignment}' is not Setting=value for a number of the CC-SSL settings");
        var text = assignment[(eq + 1)..];
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        object value;
        try { value = Convert.ChangeType(text, type, CultureInfo.InvariantCulture); }
        catch (Exception e) when (e is FormatException or OverflowException or InvalidCastException)
        {
            string kind = type == typeof(double) ? "a number" : "a whole number";
            throw new ArgumentException($"'{assignment}': '{text}' is not {kind}");
        }
        var copy = this with { };
        property.SetValue(copy, value);
        return copy;
    }

    /// <summary>A few minutes' check that every stage runs (not a measurement).</summary>
    public static CcsslBenchmarkSettings Smoke { get; } = new()
    {
        SourceImages = 64, AdaptClips = 2, EvalClips = 1, ClipSeconds = 1, Fps = 8, Input = 32, Sigma = 1, Net = "tiny", PretrainEpochs = 1, Epochs = 2, RoundEpochs = 1, Batch = 8,
        KeepSlope = 0.2,
    };

    /// <summary>The paper's scale (for a bigger machine): 10 000 source images at 640×480, LPN-50 at 256×256, 60 epochs, pseudo-labels every 10.</summary>
    public static CcsslBenchmarkSettings Full { get; } = new()
    {
        SourceImages = 10000, AdaptClips = 100, EvalClips = 40, ClipSeconds = 4, Fps = 12.5, ImageWidth = 640, ImageHeight = 480, Input = 256, Sigma = 2,
        PretrainEpochs = 60, Epochs = 60, RoundEpochs = 10, Batch = 6, KeepSlope = 0.02,
    };
}

/// <summary>One row of the report: the final model's PCK on the labelled target clips, overall and per joint group, and its curve.</summary>
public sealed record CcsslRow(string Name, double Pck05, double Pck10, IReadOnlyDictionary<string, double> Pck05PerGroup, IReadOnlyDictionary<string, double> Pck10PerGroup,
    double[] CurveEpochs, double[] CurvePck05, IReadOnlyList<PseudoLabelStats> Rounds, double Seconds);

/// <summary>The benchmark's report (ccssl.json).</summary>
public sealed record CcsslReport(CcsslBenchmarkSettings Settings, IReadOnlyList<CcsslRow> Rows, double GapClosed05, double GapClosed10, bool PretrainingHelps,
    int SourceInstances, int AdaptCrops, int EvalInstances, double Seconds, string Machine);

/// <summary>
/// `ratio ccssl`: CC-SSL's synthetic-to-real experiment with both domains synthetic, so every number can be checked.
/// Source = `basic`-style stills of riding horses; target = `photo`-style continuous clips of stocky horses (real-image
/// scenery and coats, blur, noise, JPEG) — unlabelled clips to adapt on (found by the real CenterNet detector, as real
/// footage would be) and other clips, other seeds, with labels for evaluation only. Rows: synthetic only; CC-SSL;
/// CC-SSL without synthetic pretraining; without the temporal check; without equivariance; oracle (the same training
/// with the adaptation clips' true labels in place of pseudo-labels). Every model is scored at its last epoch (no
/// selection on the evaluation clips).
/// </summary>
public sealed class CcsslBenchmark(CcsslBenchmarkSettings settings, string work, string modelsDirectory, TextWriter log)
{
    public static readonly (string Name, int[] Keypoints)[] Groups =
    [
        ("eye", [0, 1]), ("chin", [2]), ("shoulder", [11, 12]), ("elbow", [13, 14, 15, 16]), ("knee", [7, 8, 9, 10]), ("hoof", [3, 4, 5, 6]), ("withers", [17]),
    ];

    private readonly CultureInfo _inv = CultureInfo.InvariantCulture;

    public CcsslReport Run(CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        var s = settings;
        ulong data = s.DataSeed ?? s.Seed;
        Directory.CreateDirectory(work);
        string source = Path.Combine(work, "source"), adapt = Path.Combine(work, "target-adapt"), eval = Path.Combine(work, "target-eval");
        if (s.SourceDataset is null)
            Synth(source, new SynthOptions { Count = s.SourceImages, Style = SynthStyle.Basic, Shapes = ShapeDistribution.Riding, Seed = data, Width = s.ImageWidth, Height = s.ImageHeight }, cancel);
        var clip = new SynthOptions { Style = SynthStyle.Photo, Shapes = ShapeDistribution.Stocky, ClipSeconds = s.ClipSeconds, Fps = s.Fps, Width = s.ImageWidth, Height = s.ImageHeight };
        Synth(adapt, clip with { Clips = s.AdaptClips, Seed = data + 100 }, cancel);
        Synth(eval, clip with { Clips = s.EvalClips, Seed = data + 200 }, cancel);
        string sourceJson = s.SourceDataset ?? Path.Combine(source, SynthGenerator.AnnotationsName), adaptJson = Path.Combine(adapt, SynthGenerator.AnnotationsName),
            evalJson = Path.Combine(eval, SynthGenerator.AnnotationsName);

        if (s.SourceLimit > 0) sourceJson = Subset(sourceJson, s.SourceLimit);
        var footage = Footage(adapt, cancel);
        var truth = TruthOf(adaptJson, adapt);
        var rows = new List<CcsslRow>();

        // synthetic only: the pretrained model every pretrained row starts from
        var rowClock = Stopwatch.StartNew();
        string pretrain, init;
        if (s.PretrainedRun is { } cached)
        {
            pretrain = cached;
            // its last epoch, as every row is scored (a best.pth may have been picked on these very evaluation clips)
            string last = Path.Combine(cached, "last.pth");
            init = File.Exists(last) ? last : RunExporter.CheckpointOf(cached);
            log.WriteLine($"== synthetic only: the cached run {cached} ({Path.GetFileName(init)})");
        }
        else
        {
            pretrain = Path.Combine(work, "runs", "synthetic-only");
            Train(new TrainingOptions
            {
                Train = sourceJson, Validation = evalJson, Net = s.Net, InputWidth = s.Input, InputHeight = s.Input, Sigma = s.Sigma, Epochs = s.PretrainEpochs, Batch = s.Batch,
                LearningRate = s.PretrainLearningRate, Optimizer = "adam", Schedule = "constant", Augmentation = "ccssl", Seed = s.Seed, ValidateEvery = 2, Metric = "pck",
                Output = pretrain,
            }, cancel);
            init = Path.Combine(pretrain, "last.pth");
        }
        var synthetic = Score("synthetic only", pretrain, init, evalJson, [], rowClock.Elapsed.TotalSeconds);
        // a cached run validated on its own (source) data: its curve is not the target's, only its score is
        rows.Add(s.PretrainedRun is null ? synthetic : synthetic with { CurveEpochs = [0], CurvePck05 = [synthetic.Pck05] });

        var adaptation = new CcsslOptions
        {
            Synthetic = sourceJson, Init = init, Footage = footage, Net = s.Net, InputWidth = s.Input, InputHeight = s.Input, Sigma = s.Sigma, Epochs = s.Epochs,
            RoundEpochs = s.RoundEpochs, Batch = s.Batch, Schedule = new PseudoLabelSchedule(s.KeepSlope, 0.2 / s.KeepSlope), Validation = evalJson, Seed = s.Seed, WarmupSteps = s.AdaptWarmup,
            Lambda = s.Lambda, Labels = new PseudoLabelSettings { BoxMargin = s.BoxMargin }, Output = "",
        };
        // oracle: the same mixed training from the pretrained model, with the adaptation clips' true labels; trained before the
        // adaptation rows (listed last), so that the gap is known as soon as the CC-SSL row is
        rowClock.Restart();
        string oracle = Path.Combine(work, "runs", "oracle");
        Train(new TrainingOptions
        {
            Train = sourceJson, Pseudo = adaptJson, PseudoImages = adapt, PseudoWeight = adaptation.Lambda, Validation = evalJson, Net = s.Net, InputWidth = s.Input,
            InputHeight = s.Input, Sigma = s.Sigma, Epochs = s.Epochs, Batch = s.Batch, LearningRate = adaptation.LearningRate, Optimizer = "rmsprop", Momentum = 0,
            Schedule = "constant", WarmupSteps = s.AdaptWarmup, Augmentation = "ccssl", Seed = s.Seed, ValidateEvery = s.RoundEpochs, Metric = "pck", Output = oracle, Init = init,
        }, cancel);
        var oracleRow = Score("oracle (true target labels)", oracle, Path.Combine(oracle, "last.pth"), evalJson, [], rowClock.Elapsed.TotalSeconds);

        (string Name, string Folder, CcsslOptions Options)[] variants =
        [
            ("CC-SSL", "ccssl", adaptation),
            ("CC-SSL, no pretraining", "ccssl-no-pretrain", adaptation with { Init = null }),
            ("CC-SSL, no temporal", "ccssl-no-temporal", adaptation with { Labels = adaptation.Labels with { Temporal = false } }),
            ("CC-SSL, no equivariance", "ccssl-no-equivariance", adaptation with { Labels = adaptation.Labels with { Passes = 1 } }),
        ];
        foreach (var (name, folder, options) in variants)
        {
            rowClock.Restart();
            var output = Path.Combine(work, "runs", folder);
            var o = options with { Output = output };
            bool resume = File.Exists(Path.Combine(output, "rounds.jsonl"));
            log.WriteLine($"== {name} ({o.Rounds} rounds of {o.RoundEpochs} epochs{(resume ? ", resumed" : "")})");
            var summary = new CcsslAdapter(o, new Log(log), stats => log.WriteLine(string.Format(_inv,
                "   round {0}: kept {1} of {2} keypoints ({3:P1}, threshold {4:F3}), flow replaced {5}, outside the box {11}, precision@0.05 {6:P1} @0.1 {7:P1} (all keypoints {8:P1} / {9:P1}) ({10:F0} s)",
                stats.Round + 1, stats.Kept, stats.Keypoints, stats.KeptFraction, stats.Threshold, stats.FlowReplaced, stats.Precision05 ?? double.NaN,
                stats.Precision10 ?? double.NaN, stats.AllPrecision05 ?? double.NaN, stats.AllPrecision10 ?? double.NaN, stats.Seconds, stats.OutsideBox)), truth: truth).Run(resume, cancel);
            if (summary.Interrupted) throw new OperationCanceledException();
            rows.Add(Score(name, output, Path.Combine(output, "last.pth"), evalJson, summary.Rounds, rowClock.Elapsed.TotalSeconds));
            if (rows.Count == 2)
                log.WriteLine(string.Format(_inv, "gap closed so far: {0:P1} at PCK@0.05, {1:P1} at PCK@0.1", GapOf(rows[1].Pck05, rows[0].Pck05, oracleRow.Pck05),
                    GapOf(rows[1].Pck10, rows[0].Pck10, oracleRow.Pck10)));
        }
        rows.Add(oracleRow);

        double Gap(Func<CcsslRow, double> m) => GapOf(m(rows[1]), m(rows[0]), m(rows[^1]));
        var report = new CcsslReport(s, rows, Gap(r => r.Pck05), Gap(r => r.Pck10), rows[1].Pck05 > rows[2].Pck05,
            KeypointDataset.Load(sourceJson).Instances.Count, footage.Crops.Count, KeypointDataset.Load(evalJson).Instances.Count, clock.Elapsed.TotalSeconds,
            $"{Environment.ProcessorCount} cores");
        IO.AtomicFile.WriteAllBytes(Path.Combine(work, "ccssl.json"), JsonSerializer.SerializeToUtf8Bytes(report, new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
        Records.CcsslReportPlot.Write(Path.Combine(work, "ccssl.png"), report);
        return report;
    }

    /// <summary>The share of the synthetic→oracle gap a score closes.</summary>
    internal static double GapOf(double score, double synthetic, double oracle) => (score - synthetic) / (oracle - synthetic);

    /// <summary>The first <paramref name="limit"/> images of a COCO set and their annotations, with absolute file names (work/source-subset.json).</summary>
    private string Subset(string json, int limit)
    {
        var gt = CocoReader.ReadGroundTruth(json);
        var root = Path.GetDirectoryName(Path.GetFullPath(json))!;
        var images = gt.Images.Take(limit).Select(i => i with { FileName = Path.GetFullPath(Path.Combine(root, i.FileName)) }).ToList();
        var ids = images.Select(i => i.Id).ToHashSet();
        var path = Path.Combine(work, "source-subset.json");
        CocoWriter.WriteGroundTruth(path, new CocoDataset(images, gt.Annotations.Where(a => ids.Contains(a.ImageId)).ToList(), gt.Categories));
        return path;
    }

    private void Synth(string folder, SynthOptions options, CancellationToken cancel)
    {
        var sw = Stopwatch.StartNew();
        var result = new SynthGenerator(options.Validate(), folder).Run(cancel: cancel);
        log.WriteLine(string.Format(_inv, "synth {0}: {1} images ({2} resumed) in {3:F0} s", Path.GetFileName(folder), result.Images, result.Resumed, sw.Elapsed.TotalSeconds));
    }

    private FootageReport Footage(string adapt, CancellationToken cancel)
    {
        var path = Path.Combine(work, "footage.json");
        if (File.Exists(path)) return FootageReport.Load(path);
        var sw = Stopwatch.StartNew();
        var (card, onnx) = ModelZoo.Find(modelsDirectory, "centernet", "detector");
        int horse = Array.FindIndex(card.Classes ?? [], c => c == "horse");
        using var detector = new CenterNetDetector(card, onnx, InferenceOptions.Default, (float)settings.DetectorThreshold, new HashSet<int> { horse });
        var report = new FootageCrops(detector).Collect([Path.Combine(adapt, SynthGenerator.ImagesFolder)], warn: log.WriteLine, cancel: cancel);
        report.Save(path);
        log.WriteLine(string.Format(_inv, "footage: {0} horse crops in {1} frames of {2} clips ({3:F0} s)", report.Crops.Count, report.Frames, report.Clips.Count, sw.Elapsed.TotalSeconds));
        return report;
    }

    /// <summary>The true keypoints (projected, occluded ones too) of the adaptation clips, by image file, for pseudo-label precision.</summary>
    private static PseudoLabelRound.TruthOf TruthOf(string json, string root)
    {
        var gt = CocoReader.ReadGroundTruth(json);
        var files = gt.Images.ToDictionary(i => i.Id, i => Path.GetFullPath(Path.Combine(root, i.FileName)));
        var byFile = new Dictionary<string, CocoAnnotation>();
        foreach (var a in gt.Annotations) byFile[files[a.ImageId]] = a;
        return crop =>
        {
            if (!byFile.TryGetValue(Path.GetFullPath(crop.Source), out var a) || a.Box.IoU(crop.Box) < 0.3) return null;
            var p = a.ProjectedKeypoints ?? a.Keypoints;
            var points = new Keypoint[p.Length / 3];
            for (int j = 0; j < points.Length; j++) points[j] = new Keypoint(p[3 * j], p[3 * j + 1], 1);
            return (points, Math.Max(a.Box.Width, a.Box.Height));
        };
    }

    private void Train(TrainingOptions options, CancellationToken cancel)
    {
        bool resume = File.Exists(Path.Combine(options.Output, "last.pth"));
        if (resume && TrainingCheckpoint.EpochOf(Path.Combine(options.Output, "last.pth")) >= options.Epochs) return;
        log.WriteLine($"== train {Path.GetFileName(options.Output)} ({options.Epochs} epochs{(resume ? ", resumed" : "")})");
        var summary = new Trainer(options, new Log(log)).Run(resume, cancel);
        if (summary.Interrupted) throw new OperationCanceledException();
    }

    /// <summary>The run's last checkpoint on the evaluation clips, and its validation curve from metrics.jsonl.</summary>
    private CcsslRow Score(string name, string run, string checkpoint, string evalJson, IReadOnlyList<PseudoLabelStats> rounds, double seconds)
    {
        var o = RunExporter.ReadConfig(run);
        var data = KeypointDataset.Load(evalJson);
        var codec = Trainer.CreateCodec(o);
        using var net = PoseNets.Create(o.Net, data.Schema.Count * codec.ChannelsPerKeypoint);
        TrainingCheckpoint.Load(checkpoint, net, null, out _);
        using var store = new ImageStore(512L << 20);
        var result = Trainer.Validate(new PoseValidator(data, codec, PoseNets.Normalization(o.Net), store, 32), net);
        var (epochs, curve) = Curve(run);
        var row = new CcsslRow(name, result.Pck05.Accuracy, result.Pck10.Accuracy, PerGroup(result.Pck05), PerGroup(result.Pck10), epochs, curve, rounds, seconds);
        log.WriteLine(string.Format(_inv, "{0}: PCK@0.05 {1:F3}, PCK@0.1 {2:F3} ({3:F0} s)", name, row.Pck05, row.Pck10, seconds));
        return row;
    }

    private static (double[] Epochs, double[] Pck05) Curve(string run)
    {
        var path = Path.Combine(run, "metrics.jsonl");
        var xs = new List<double>();
        var ys = new List<double>();
        if (File.Exists(path))
            foreach (var line in File.ReadLines(path))
            {
                using var doc = JsonDocument.Parse(line);
                if (doc.RootElement.TryGetProperty("PCK@0.05", out var p) && p.ValueKind == JsonValueKind.Number)
                {
                    xs.Add(doc.RootElement.GetProperty("epoch").GetDouble());
                    ys.Add(p.GetDouble());
                }
            }
        return (xs.ToArray(), ys.ToArray());
    }

    internal static Dictionary<string, double> PerGroup(PckResult pck)
    {
        var groups = new Dictionary<string, double>();
        foreach (var (name, keypoints) in Groups)
        {
            double hit = 0, count = 0;
            foreach (var k in keypoints)
            {
                hit += pck.PerKeypoint[k] * pck.Counts[k];
                count += pck.Counts[k];
            }
            groups[name] = count > 0 ? hit / count : double.NaN;
        }
        groups["mean"] = pck.Accuracy;
        return groups;
    }

    private sealed class Log(TextWriter log) : ITrainingObserver
    {
        public void Message(string text) => log.WriteLine("   " + text);
        public void EpochFinished(EpochRecord r) => log.WriteLine(string.Format(CultureInfo.InvariantCulture, "   epoch {0}: loss {1:G4}, {2:F1} images/s{3}", r.Epoch, r.TrainLoss,
            r.ImagesPerSecond, r.Pck05 is double p ? $", target PCK@0.05 {p:F3} @0.1 {r.Pck10:F3}" : ""));
    }
}
