using System.Diagnostics;
using System.Globalization;
using PoseLive.Detection;
using PoseLive.Inference;
using PoseLive.Models;
using PoseLive.Synthetic;
using PoseLive.Training.Runs;

namespace PoseLive.Training.Adaptation;

/// <summary>The settings of `poselive finetune --animal horse` (the CC-SSL knobs are in <see cref="Ccssl"/>).</summary>
public sealed record AnimalFinetuneOptions
{
    public string Animal { get; init; } = "horse";
    public required IReadOnlyList<string> Footage { get; init; }
    /// <summary>A labelled synthetic set to pretrain on and train beside the pseudo-labels (default: render one).</summary>
    public string? Synthetic { get; init; }
    public int SyntheticCount { get; init; } = 10000;
    public SynthStyle SyntheticStyle { get; init; } = SynthStyle.Photo;
    public int SyntheticEpochs { get; init; } = 30;
    public double SyntheticLearningRate { get; init; } = 5e-4;
    /// <summary>Detector classes that are the animal (COCO names).</summary>
    public IReadOnlyList<string> Classes { get; init; } = ["horse"];
    public float DetectorThreshold { get; init; } = 0.3f;
    /// <summary>Search every Nth frame of the footage.</summary>
    public int FrameStep { get; init; } = 1;
    public string Detector { get; init; } = "centernet";
    public string? Export { get; init; }
    public required string ModelsDirectory { get; init; }
    /// <summary>Everything but the footage, the synthetic set, the output and the export (filled in by <see cref="AnimalFinetune"/>).</summary>
    public required CcsslOptions Ccssl { get; init; }
}

/// <summary>What the job made.</summary>
public sealed record AnimalFinetuneResult(string Run, ModelCard? Exported, CcsslSummary Adaptation, FootageReport Footage, string SyntheticModel, TimeSpan Elapsed);

/// <summary>
/// The whole of `poselive finetune --animal horse --footage …`: (1) a synthetic-pretrained model for this net and input,
/// cached in the models folder with a card saying how it was made, else rendered and trained now; (2) the footage cut into
/// tracked animal crops by the served detector; (3) the CC-SSL rounds (<see cref="CcsslAdapter"/>); (4) the adapted model
/// exported as a served horse model. Each phase reports to <c>log</c>; a run interrupted anywhere resumes with --resume.
/// With a <see cref="Distributed.DataParallel"/>, rank 0 renders, searches the footage, pseudo-labels and exports while
/// the other ranks wait for its files, and every rank trains its share of each batch.
/// </summary>
public sealed class AnimalFinetune(AnimalFinetuneOptions options, TextWriter log, Distributed.DataParallel? parallel = null)
{
    private bool Main => parallel?.IsMain ?? true;

    /// <summary>The other ranks wait here for rank 0's files (as long as its phase takes; a rank lost meanwhile is named).</summary>
    private void WaitForRankZero() => parallel?.Barrier(TimeSpan.FromDays(1));

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public AnimalFinetuneOptions Options { get; } = options;

    /// <summary>The cached synthetic model's served name for a net and input.</summary>
    public static string SyntheticModelName(string net, int height, int width) => $"horse-synth-{net}-{height}x{width}";

    public AnimalFinetuneResult Run(bool resume, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        var o = Options;
        var c = o.Ccssl;
        if (!string.Equals(o.Animal, "horse", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"--animal {o.Animal}: only horse has a synthetic model (and the quadruped18 schema) so far");
        if (o.FrameStep < 1) throw new ArgumentException("--frame-step must be at least 1");
        var footageSaved = Path.Combine(c.Output, "footage.json");
        if (Main && !resume && File.Exists(Path.Combine(c.Output, "rounds.jsonl")))
            throw new IOException($"{c.Output}: already holds an adaptation run; add --resume to continue it, or choose another --out");
        if (resume && !File.Exists(footageSaved)) throw new FileNotFoundException($"{c.Output}: nothing to resume (no footage.json)", footageSaved);
        if (!resume) FootageCrops.Clips(o.Footage); // a missing file or a folder without videos/images fails before any work

        // detector classes are checked before the long phases too
        var (detCard, detPath) = ModelZoo.Find(o.ModelsDirectory, o.Detector, "detector");
        var classIds = new HashSet<int>();
        foreach (var cls in o.Classes)
        {
            int id = Array.FindIndex(detCard.Classes ?? [], n => string.Equals(n, cls, StringComparison.OrdinalIgnoreCase));
            classIds.Add(id >= 0 ? id : throw new ArgumentException($"--classes: the detector {detCard.Name} has no class '{cls}'"));
        }

        // 1. the synthetic model
        log.WriteLine($"[1/4] synthetic model ({c.Net} {c.InputHeight}x{c.InputWidth})");
        var (synthetic, init) = SyntheticModel(cancel);

        // 2. the footage
        FootageReport footage;
        if (File.Exists(footageSaved) && resume) footage = FootageReport.Load(footageSaved);
        else if (!Main) { WaitForRankZero(); footage = FootageReport.Load(footageSaved); }
        else
        {
            log.WriteLine($"[2/4] footage: detecting {string.Join(", ", o.Classes)} in {string.Join(", ", o.Footage)}");
            var sw = Stopwatch.StartNew();
            using var detector = new CenterNetDetector(detCard, detPath, InferenceOptions.Default, o.DetectorThreshold, classIds);
            footage = new FootageCrops(detector, frameStep: o.FrameStep).Collect(o.Footage, w => log.WriteLine("  " + w), cancel);
            Directory.CreateDirectory(c.Output);
            footage.Save(footageSaved);
            log.WriteLine(string.Format(Inv, "  {0} crops ({1} tracks) in {2} frames of {3} clips ({4:F0} s){5}", footage.Crops.Count, footage.Crops.Select(x => x.Track).Distinct().Count(),
                footage.Frames, footage.Clips.Count, sw.Elapsed.TotalSeconds, footage.Skipped.Count > 0 ? $"; skipped {footage.Skipped.Count}: {string.Join("; ", footage.Skipped)}" : ""));
            WaitForRankZero();
        }

        // 3. CC-SSL rounds
        var adaptation = c with { Synthetic = synthetic, SyntheticImages = null, Init = init, Footage = footage, Export = null, ModelsDirectory = o.ModelsDirectory };
        log.WriteLine(string.Format(Inv, "[3/4] CC-SSL: {0} epochs, pseudo-labels every {1} ({2} rounds), λ {3}, {4} lr {5:G3}{9}, batch {6}, {7} passes{8}", adaptation.Epochs,
            adaptation.RoundEpochs, adaptation.Rounds, adaptation.Lambda, adaptation.Optimizer, adaptation.LearningRate, adaptation.Batch, adaptation.Labels.Passes,
            (adaptation.Labels.Temporal ? ", temporal check" : "") + (adaptation.Labels.BoxMargin >= 0 ? string.Format(Inv, ", box check ({0:G3})", adaptation.Labels.BoxMargin) : ""),
            adaptation.WarmupSteps > 0 ? $" (warm-up {adaptation.WarmupSteps} steps)" : ""));
        var shown = Stopwatch.StartNew();
        var summary = new CcsslAdapter(adaptation, new FinetuneEpochLog(log, adaptation.Epochs, "pck"), stats => log.WriteLine(string.Format(Inv,
                "  round {0}: kept {1} of {2} keypoints ({3:P0}, confidence ≥ {4:F3}); the flow replaced {5}; {7} outside their box dropped ({6:F0} s)", stats.Round + 1, stats.Kept, stats.Keypoints,
                stats.KeptFraction, stats.Threshold, stats.FlowReplaced, stats.Seconds, stats.OutsideBox)),
            (done, total) =>
            {
                if (shown.Elapsed.TotalSeconds < 10 || done == total) return; // the round's own line closes it
                shown.Restart();
                log.WriteLine($"  pseudo-labelling {done}/{total}");
            }, parallel: parallel).Run(resume && File.Exists(Path.Combine(c.Output, "rounds.jsonl")), cancel);
        if (summary.Interrupted || !Main) return new AnimalFinetuneResult(c.Output, null, summary, footage, synthetic, clock.Elapsed);

        // 4. export
        var name = o.Export ?? $"{c.Net}-horse-ccssl";
        log.WriteLine($"[4/4] export {name}");
        var description = string.Format(Inv, "{0} {1}x{2} adapted by CC-SSL (poselive finetune) to {3} horse crops of {4} clips, {5} epochs from {6}", c.Net, c.InputHeight,
            c.InputWidth, footage.Crops.Count, footage.Clips.Count, c.Epochs, init is null ? "scratch" : Path.GetFileName(Path.GetDirectoryName(init)));
        var card = RunExporter.Export(c.Output, name, o.ModelsDirectory, description, detectorClasses: [.. o.Classes]);
        return new AnimalFinetuneResult(c.Output, card, summary, footage, synthetic, clock.Elapsed);
    }

    /// <summary>The synthetic set and the pretrained checkpoint: the cached model when its card and run are there, else made now.</summary>
    private (string Synthetic, string Init) SyntheticModel(CancellationToken cancel)
    {
        var o = Options;
        var c = o.Ccssl;
        string name = SyntheticModelName(c.Net, c.InputHeight, c.InputWidth);
        var cardPath = Path.Combine(o.ModelsDirectory, name + ".card.json");
        string run = Path.Combine(o.ModelsDirectory, "synthetic", name);
        if (File.Exists(cardPath) && ModelCard.Load(cardPath) is { Training: { } t } card && File.Exists(Path.Combine(t.Run, t.Checkpoint)))
        {
            var config = RunExporter.ReadConfig(t.Run);
            log.WriteLine($"  cached: {name} — {card.Description}");
            return (o.Synthetic ?? config.Train, Path.Combine(t.Run, t.Checkpoint));
        }
        string data = o.Synthetic ?? Path.Combine(o.ModelsDirectory, "synthetic", $"horse-{o.SyntheticStyle.ToString().ToLowerInvariant()}-{o.SyntheticCount}", SynthGenerator.AnnotationsName);
        if (!Main) return SyntheticModelOfRankZero(run, data, cancel);
        int count = o.Synthetic is null ? o.SyntheticCount : KnownCount(data);
        double imagesPerSecond = MeasureTraining(c);
        double render = o.Synthetic is null ? o.SyntheticCount / (o.SyntheticStyle == SynthStyle.Photo ? 24.0 : 38.0) : 0;
        double pretrain = (double)count * o.SyntheticEpochs / imagesPerSecond;
        double adapt = 2.0 * count * c.Epochs / imagesPerSecond;
        log.WriteLine(string.Format(Inv, "  no cached model: rendering {0} and training {1} epochs on it. On this machine ({2} cores, {3:F1} training images/s measured now) that takes about {4} to render, {5} to pretrain, then {6} to adapt{7}",
            o.Synthetic is null ? $"{o.SyntheticCount} {o.SyntheticStyle.ToString().ToLowerInvariant()}-style horses" : $"nothing ({count} images given)", o.SyntheticEpochs,
            Environment.ProcessorCount, imagesPerSecond, Duration(render), Duration(pretrain), Duration(adapt), "; later runs reuse the model"));
        if (o.Synthetic is null)
        {
            var dir = Path.GetDirectoryName(data)!;
            new SynthGenerator(new SynthOptions { Count = o.SyntheticCount, Style = o.SyntheticStyle, Seed = c.Seed + 1 }.Validate(), dir)
                .Run(p => { if (p.Done % Math.Max(1, p.Total / 10) == 0) log.WriteLine(string.Format(Inv, "  synth {0}/{1} ({2:F1} images/s)", p.Done, p.Total, p.ImagesPerSecond)); }, cancel: cancel);
        }
        else if (!File.Exists(data)) throw new FileNotFoundException($"{o.Synthetic}: no synthetic dataset there", o.Synthetic);
        WaitForRankZero();                                      // the set is rendered: every rank trains on it
        var options = SyntheticTraining(run, data);
        var summary = new Trainer(options, new FinetuneEpochLog(log, options.Epochs, "pck"), parallel).Run(File.Exists(Path.Combine(run, "last.pth")), cancel);
        if (summary.Interrupted) throw new OperationCanceledException();
        var exported = RunExporter.Export(run, name, o.ModelsDirectory, string.Format(Inv, "{0} {1}x{2} trained by poselive finetune on {3} synthetic horses ({4}) for {5} epochs with CC-SSL's strong augmentation; held-out synthetic PCK@0.05 {6:F3}",
            c.Net, c.InputHeight, c.InputWidth, count, o.Synthetic is null ? o.SyntheticStyle.ToString().ToLowerInvariant() + " style" : data, o.SyntheticEpochs, summary.BestMetric));
        log.WriteLine($"  cached as {exported.Name}");
        WaitForRankZero();                                      // the model is cached
        return (data, RunExporter.CheckpointOf(run));
    }

    /// <summary>A rank other than 0 while no synthetic model is cached: it waits for rank 0's set, trains its share, waits for the export.</summary>
    private (string Synthetic, string Init) SyntheticModelOfRankZero(string run, string data, CancellationToken cancel)
    {
        WaitForRankZero();
        var options = SyntheticTraining(run, data);
        var summary = new Trainer(options, null, parallel).Run(File.Exists(Path.Combine(run, "last.pth")), cancel);
        if (summary.Interrupted) throw new OperationCanceledException();
        WaitForRankZero();
        return (data, RunExporter.CheckpointOf(run));
    }

    private TrainingOptions SyntheticTraining(string run, string data)
    {
        var o = Options;
        var c = o.Ccssl;
        return new TrainingOptions
        {
            Train = data, ValidationSplit = 0.05, Schema = Pose.KeypointSchema.Quadruped18.Name, Net = c.Net, InputWidth = c.InputWidth, InputHeight = c.InputHeight, Sigma = c.Sigma,
            Epochs = o.SyntheticEpochs, Batch = Math.Max(c.Batch, 16), LearningRate = o.SyntheticLearningRate, Optimizer = "adam", Schedule = "constant", Augmentation = "ccssl",
            Workers = c.Workers, Threads = c.Threads, Seed = c.Seed, Metric = "pck", Output = run, CacheMegabytes = c.CacheMegabytes,
        };
    }

    private static int KnownCount(string json) => File.Exists(json) ? Data.KeypointDataset.Load(json).Instances.Count : 0;

    private static double MeasureTraining(CcsslOptions c)
    {
        Tensors.Torch.Threads = c.Threads;
        using var bench = new Benchmarks.TrainingThroughput(c.Net, Math.Max(c.Batch, 2), c.InputHeight, c.InputWidth, 18);
        bench.Step(); // warm-up
        var seconds = new double[3];
        for (int i = 0; i < seconds.Length; i++)
        {
            var sw = Stopwatch.StartNew();
            bench.Step();
            seconds[i] = sw.Elapsed.TotalSeconds;
        }
        Array.Sort(seconds);
        return Math.Max(c.Batch, 2) / seconds[1];
    }

    private static string Duration(double seconds) => seconds < 90 ? $"{seconds:F0} s" : seconds < 5400 ? $"{seconds / 60:F0} min" : $"{seconds / 3600:F1} h";
}
