using System.Diagnostics;
using System.Globalization;
using PoseLive.Detection;
using PoseLive.Estimation;
using PoseLive.Inference;
using PoseLive.Models;
using PoseLive.Training.Data;
using PoseLive.Training.Graph;
using PoseLive.Training.Runs;

namespace PoseLive.Training.Adaptation;

/// <summary>The settings of `poselive finetune --footage … --model NAME` (people: teacher pseudo-labels, then fine-tuning the served graph).</summary>
public sealed record PeopleFinetuneOptions
{
    public required IReadOnlyList<string> Footage { get; init; }
    /// <summary>The served pose model to fine-tune (its ONNX graph becomes trainable).</summary>
    public string Model { get; init; } = "movenet-lightning";
    /// <summary>The served model that labels the footage, or "self" for self-training.</summary>
    public string Teacher { get; init; } = "movenet-thunder";
    public TeacherLabelSettings Labels { get; init; } = new();
    public int Epochs { get; init; } = 10;
    public int Batch { get; init; } = 32;
    /// <summary>A low rate: the served weights are a good start and the labels are another model's.</summary>
    public double LearningRate { get; init; } = 5e-5;
    public string Optimizer { get; init; } = "adam";
    public string Augmentation { get; init; } = "finetune";
    public string Detector { get; init; } = "centernet";
    public float DetectorThreshold { get; init; } = 0.3f;
    public int FrameStep { get; init; } = 1;
    public int Threads { get; init; } = Environment.ProcessorCount;
    public int Workers { get; init; } = 2;
    public ulong Seed { get; init; }
    public required string Output { get; init; }
    public string? Export { get; init; }
    public required string ModelsDirectory { get; init; }
    public int? StopAfterEpochs { get; init; }
}

/// <summary>What the job made: the run, the served model, and the held-out score before and after (the teacher's confident keypoints as truth).</summary>
public sealed record PeopleFinetuneResult(string Run, ModelCard? Exported, TeacherLabelStats Labels, double ApBefore, double ApAfter, TrainingSummary Training,
    FootageReport Footage, TimeSpan Elapsed);

/// <summary>
/// The whole of `poselive finetune --footage … --model NAME [--teacher NAME|self]` for people: (1) the footage cut into
/// tracked person detections by the served detector; (2) teacher pseudo-labels checked by flip and over time
/// (<see cref="TeacherPseudoLabeler"/>), the later frames of each clip held out; (3) the served model's ONNX graph made
/// trainable (<see cref="ServedGraphNet"/>) and trained on the pseudo-labels by <see cref="Trainer"/> with its own heads'
/// codec and losses (MoveNet: <see cref="Pose.Codecs.MoveNetCodec"/>), validated on the held-out frames; (4) exported
/// next to the original as the same graph with the trained weights. Interrupted, it resumes with --resume. With a
/// <see cref="Distributed.DataParallel"/>, rank 0 does phases 1, 2 and 4 while the other ranks wait for its labels, and
/// every rank trains its share of each batch (<see cref="Trainer"/>).
/// </summary>
public sealed class PeopleFinetune(PeopleFinetuneOptions options, TextWriter log, Distributed.DataParallel? parallel = null)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public PeopleFinetuneResult Run(bool resume, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        var o = options;
        o.Labels.Validate();
        if (o.FrameStep < 1) throw new ArgumentException("--frame-step must be at least 1");
        var (card, modelPath) = ModelZoo.Find(o.ModelsDirectory, o.Model, "pose");
        if (card.Decoder != "movenet" && !Pose.Codecs.KeypointCodecs.Names.Contains(card.Decoder))
            throw new ArgumentException($"--model {o.Model}: its decoder '{card.Decoder}' has no training codec");
        var (teacherCard, teacherPath) = o.Teacher == "self" ? (card, modelPath) : ModelZoo.Find(o.ModelsDirectory, o.Teacher, "pose");
        if (teacherCard.KeypointSchema != card.KeypointSchema)
            throw new ArgumentException($"--teacher {o.Teacher} predicts {teacherCard.KeypointSchema}, {o.Model} {card.KeypointSchema}");
        var (detCard, detPath) = ModelZoo.Find(o.ModelsDirectory, o.Detector, "detector");
        using (ServedGraphNet.Load(modelPath)) { } // a graph that cannot be trained fails here, before the long phases

        var footagePath = Path.Combine(o.Output, "footage.json");
        var trainPath = Path.Combine(o.Output, "pseudo", "train.json");
        var validationPath = Path.Combine(o.Output, "pseudo", "val.json");
        var labelsPath = Path.Combine(o.Output, "pseudo", "stats.json");
        bool main = parallel?.IsMain ?? true;
        if (main && !resume && File.Exists(footagePath))
            throw new IOException($"{o.Output}: already holds a fine-tuning run; add --resume to continue it, or choose another --out");
        if (resume && !File.Exists(footagePath)) throw new FileNotFoundException($"{o.Output}: nothing to resume (no footage.json)", footagePath);
        if (!resume) FootageCrops.Clips(o.Footage); // a missing file or an empty folder fails before any work
        if (main) RequireWritable(o.Output);

        // 1. footage (rank 0; the others wait below for its labels, as long as it takes)
        FootageReport footage;
        if (resume || !main) footage = main ? FootageReport.Load(footagePath) : null!;
        else
        {
            log.WriteLine($"[1/4] footage: detecting people in {string.Join(", ", o.Footage)}");
            var sw = Stopwatch.StartNew();
            using var detector = new CenterNetDetector(detCard, detPath, InferenceOptions.Default, o.DetectorThreshold, new HashSet<int> { 0 });
            footage = new FootageCrops(detector, frameStep: o.FrameStep, subject: "person").Collect(o.Footage, w => log.WriteLine("  " + w), cancel);
            Directory.CreateDirectory(o.Output);
            log.WriteLine(string.Format(Inv, "  {0} people ({1} tracks) in {2} frames of {3} clips ({4:F0} s){5}", footage.Crops.Count, footage.Crops.Select(x => x.Track).Distinct().Count(),
                footage.Frames, footage.Clips.Count, sw.Elapsed.TotalSeconds, footage.Skipped.Count > 0 ? $"; skipped {footage.Skipped.Count}: {string.Join("; ", footage.Skipped)}" : ""));
        }

        // 2. teacher pseudo-labels
        TeacherLabelStats stats;
        if (!main) stats = null!;
        else if (resume && File.Exists(labelsPath)) stats = System.Text.Json.JsonSerializer.Deserialize<TeacherLabelStats>(File.ReadAllBytes(labelsPath))!;
        else
        {
            log.WriteLine($"[2/4] pseudo-labels from {teacherCard.Name}{(o.Teacher == "self" ? " (self-training)" : "")}: flip check {(o.Labels.Flip ? "on" : "off")}, temporal check {(o.Labels.Temporal ? "on" : "off")}, last {o.Labels.HoldOut:P0} of each clip held out");
            Directory.CreateDirectory(Path.GetDirectoryName(trainPath)!);
            using var teacher = PoseEstimators.Create(teacherCard, teacherPath, InferenceOptions.Default);
            var shown = Stopwatch.StartNew();
            stats = new TeacherPseudoLabeler(teacher, o.Labels).Run(footage, trainPath, validationPath, (done, total) =>
            {
                if (shown.Elapsed.TotalSeconds < 10) return;
                shown.Restart();
                log.WriteLine($"  labelled {done}/{total}");
            }, cancel);
            IO.AtomicFile.WriteAllBytes(labelsPath, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(stats));
            log.WriteLine("  " + stats);
            if (stats.TrainInstances == 0) throw new FootageException($"{string.Join(", ", footage.Clips.Take(3))}: the teacher kept no keypoint to train on ({stats})");
        }
        if (main) footage.Save(footagePath); // last: a run with footage.json has its labels
        if (parallel is not null)
        {
            parallel.Barrier(TimeSpan.FromDays(1));               // rank 0's labels are on disk (a rank lost meanwhile is still named)
            if (!main) (footage, stats) = (FootageReport.Load(footagePath), System.Text.Json.JsonSerializer.Deserialize<TeacherLabelStats>(File.ReadAllBytes(labelsPath))!);
        }

        // 3. training
        var training = new TrainingOptions
        {
            Train = trainPath, Validation = validationPath, Schema = card.KeypointSchema, Net = ServedGraphNet.Prefix + Path.GetFullPath(modelPath),
            InputWidth = card.Input.Width, InputHeight = card.Input.Height, Codec = card.Decoder, Epochs = o.Epochs, Batch = o.Batch, LearningRate = o.LearningRate,
            Optimizer = o.Optimizer, Schedule = "constant", Augmentation = o.Augmentation, Workers = o.Workers, Threads = o.Threads, Seed = o.Seed, Metric = "ap",
            Output = Path.Combine(o.Output, "train"), StopAfterEpochs = o.StopAfterEpochs,
        };
        Trainer.Validate(training);
        double before = main ? BaselineAp(training, validationPath) : double.NaN;
        log.WriteLine(string.Format(Inv, "[3/4] fine-tuning {0} ({1}x{2}): {3} epochs, {4} lr {5:G3}, batch {6}, {7} augmentation; held-out AP before: {8:F4}",
            card.Name, card.Input.Height, card.Input.Width, o.Epochs, o.Optimizer, o.LearningRate, o.Batch, o.Augmentation, before));
        var summary = new Trainer(training, new FinetuneEpochLog(log, o.Epochs, "ap"), parallel).Run(resume && File.Exists(Path.Combine(training.Output, "last.pth")), cancel);
        if (summary.Interrupted || !main) return new PeopleFinetuneResult(o.Output, null, stats, before, summary.BestMetric, summary, footage, clock.Elapsed);

        // 4. export
        var name = o.Export ?? $"{card.Name}-finetuned";
        log.WriteLine($"[4/4] export {name}");
        var description = string.Format(Inv, "{0} fine-tuned by poselive finetune on {1} people of {2} clips labelled by {3}, {4} epochs; held-out AP (teacher as truth) {5:F4} → {6:F4}",
            card.Name, stats.TrainInstances, footage.Clips.Count, o.Teacher == "self" ? "itself" : teacherCard.Name, summary.EpochsCompleted, before, summary.BestMetric);
        var exported = RunExporter.Export(training.Output, name, o.ModelsDirectory, description);
        return new PeopleFinetuneResult(o.Output, exported, stats, before, summary.BestMetric, summary, footage, clock.Elapsed);
    }

    // an output that cannot be written fails before the long phases, naming the folder
    private static void RequireWritable(string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
            var probe = Path.Combine(folder, ".write-test");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{folder}: cannot write the run folder there ({e.Message})", e);
        }
    }

    /// <summary>The served model's held-out AP before any training (the same validator the trainer uses).</summary>
    private static double BaselineAp(TrainingOptions o, string validationPath)
    {
        Tensors.Torch.Threads = o.Threads;
        var data = KeypointDataset.Load(validationPath);
        if (data.Instances.Count == 0) return double.NaN;
        using var store = new ImageStore((long)o.CacheMegabytes << 20);
        using var net = (ServedGraphNet)Nets.PoseNets.Create(o.Net, 0);
        var validator = new PoseValidator(data, Trainer.CreateCodec(o, data.Schema.Count), ServedGraphNet.NormalizationOf(net.Card), store, o.Batch);
        return Trainer.Validate(validator, net).Coco.AP;
    }
}
