using System.Text.Json;
using PoseLive.Pose;
using PoseLive.Training.Nets;
using PoseLive.Training.Runs;
using PoseLive.Training.Tensors;

namespace PoseLive.Training.Adaptation;

/// <summary>How an adaptation ended: the rounds labelled (all of them, resumed ones included) and the last training summary.</summary>
public sealed record CcsslSummary(IReadOnlyList<PseudoLabelStats> Rounds, TrainingSummary? Training, bool Interrupted);

/// <summary>
/// CC-SSL's training loop: every <see cref="CcsslOptions.RoundEpochs"/> epochs the current model pseudo-labels the footage
/// (<see cref="PseudoLabelRound"/>, keeping the schedule's share), then <see cref="Trainer"/> trains on the synthetic set and
/// the pseudo-labels together (loss = MSE(synthetic) + λ·MSE(pseudo)) until the next round. The run folder holds the
/// checkpoints, each round's pseudo-labels (pseudo/round-N.json, written before the round trains) and rounds.jsonl, so an
/// interrupted run resumes where it stopped, with the same labels. With a <see cref="Distributed.DataParallel"/>, rank 0
/// pseudo-labels each round while the other ranks wait for its file, and every rank trains its share of each batch.
/// </summary>
public sealed class CcsslAdapter(CcsslOptions options, ITrainingObserver? observer = null, Action<PseudoLabelStats>? roundLabelled = null,
    Action<int, int>? labelProgress = null, PseudoLabelRound.TruthOf? truth = null, Distributed.DataParallel? parallel = null)
{
    public CcsslOptions Options { get; } = options.Validate();
    public string LastPath => Path.Combine(Options.Output, "last.pth");
    public string RoundsPath => Path.Combine(Options.Output, "rounds.jsonl");
    public string PseudoPath(int round) => Path.Combine(Options.Output, "pseudo", $"round-{round}.json");

    public CcsslSummary Run(bool resume, CancellationToken cancel = default)
    {
        var o = Options;
        bool main = parallel?.IsMain ?? true;
        if (main && !resume && (File.Exists(LastPath) || File.Exists(RoundsPath)))
            throw new IOException($"{o.Output}: already holds an adaptation run; add --resume to continue it, or choose another --out");
        if (resume && !File.Exists(RoundsPath)) throw new FileNotFoundException($"{o.Output}: nothing to resume (no rounds.jsonl)", RoundsPath);
        Directory.CreateDirectory(Path.Combine(o.Output, "pseudo"));
        var rounds = resume ? ReadRounds(RoundsPath) : [];
        var schema = KeypointSchema.Quadruped18;
        var trainingOptions = TrainingOptionsFor(o, 0, null);
        var codec = Trainer.CreateCodec(trainingOptions);
        var normalization = PoseNets.Normalization(o.Net);
        int epoch = File.Exists(LastPath) ? TrainingCheckpoint.EpochOf(LastPath) : 0;
        TrainingSummary? training = null;
        int roundsThisRun = 0;
        for (int round = epoch / o.RoundEpochs; round < o.Rounds; round++)
        {
            int start = round * o.RoundEpochs, end = Math.Min(o.Epochs, start + o.RoundEpochs);
            var pseudo = PseudoPath(round);
            if (!main)
            {
                parallel!.Barrier(TimeSpan.FromDays(1));               // rank 0 labels the round (as long as it takes)
                rounds = ReadRounds(RoundsPath);
            }
            else if (!File.Exists(pseudo))
            {
                Torch.Threads = o.Threads;
                Torch.ManualSeed(o.Seed); // round 0 without pretraining labels with the same random net the trainer then starts from
                using var net = PoseNets.Create(o.Net, schema.Count * codec.ChannelsPerKeypoint);
                string? from = File.Exists(LastPath) ? LastPath : o.Init;
                if (from == LastPath) TrainingCheckpoint.Load(from, net, null, out _);
                else if (from is not null) net.LoadStateDict(Checkpoints.PthReader.Read(from), strict: true); // the starting model must be this net's
                observer?.Message($"round {round + 1} of {o.Rounds}: pseudo-labelling {o.Footage.Crops.Count} crops with {(from is null ? "the untrained net" : Path.GetFileName(from))}, keeping {o.Schedule.KeptFraction(start):P0}");
                net.Eval();
                var labeller = new PseudoLabelRound(codec, schema, normalization, Trainer.Predictor(net, codec.InputHeight, codec.InputWidth), o.Labels with { Seed = o.Seed + 1 });
                var stats = labeller.Run(round, o.Footage, o.Schedule.KeptFraction(start), pseudo, truth, labelProgress, cancel);
                rounds.RemoveAll(r => r.Round == round);
                rounds.Add(stats);
                IO.AtomicFile.WriteAllBytes(RoundsPath, System.Text.Encoding.UTF8.GetBytes(string.Concat(rounds.Select(r => JsonSerializer.Serialize(r) + "\n"))));
                roundLabelled?.Invoke(stats);
            }
            if (main) parallel?.Barrier(TimeSpan.FromDays(1));             // the round's labels are on disk for every rank
            var trainer = new Trainer(TrainingOptionsFor(o, end, pseudo, round == o.Rounds - 1 ? o.Export : null, initialise: !File.Exists(LastPath)), observer, parallel);
            training = trainer.Run(resume: File.Exists(LastPath), cancel);
            if (training.Interrupted) return new CcsslSummary(rounds, training, true);
            roundsThisRun++;
            if (o.StopAfterRounds is int stop && roundsThisRun >= stop && round + 1 < o.Rounds) return new CcsslSummary(rounds, training, true);
        }
        return new CcsslSummary(rounds, training, false);
    }

    /// <summary>The trainer's options for training up to <paramref name="epochs"/> on the synthetic set plus <paramref name="pseudo"/>.</summary>
    private static TrainingOptions TrainingOptionsFor(CcsslOptions o, int epochs, string? pseudo, string? export = null, bool initialise = false) => new()
    {
        Train = o.Synthetic, Images = o.SyntheticImages, Pseudo = pseudo, PseudoImages = "/", PseudoWeight = o.Lambda, Schema = KeypointSchema.Quadruped18.Name,
        Validation = o.Validation, ValidationImages = o.ValidationImages, Net = o.Net, InputWidth = o.InputWidth, InputHeight = o.InputHeight, Sigma = o.Sigma,
        Epochs = Math.Max(1, epochs), Batch = o.Batch, LearningRate = o.LearningRate, Optimizer = o.Optimizer, Momentum = 0, WeightDecay = 0, Schedule = "constant", WarmupSteps = o.WarmupSteps,
        Augmentation = o.Augmentation, Workers = o.Workers, Threads = o.Threads, Seed = o.Seed, ValidateEvery = o.RoundEpochs, Metric = "pck",
        Output = o.Output, Init = initialise ? o.Init : null, Export = export, ModelsDirectory = o.ModelsDirectory, CacheMegabytes = o.CacheMegabytes,
    };

    internal static List<PseudoLabelStats> ReadRounds(string path)
    {
        var rounds = new List<PseudoLabelStats>();
        int line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            try { rounds.Add(JsonSerializer.Deserialize<PseudoLabelStats>(text) ?? throw new JsonException("empty")); }
            catch (JsonException e) { throw new FormatException($"{path}:{line}: not a round record ({e.Message})"); }
        }
        return rounds;
    }
}
