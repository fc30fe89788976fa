using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using PoseLive.Pose;
using PoseLive.Pose.Codecs;
using PoseLive.Training.Checkpoints;
using PoseLive.Training.Data;
using PoseLive.Training.Modules;
using PoseLive.Training.Nets;
using PoseLive.Training.Optim;
using PoseLive.Training.Tensors;

namespace PoseLive.Training.Runs;

/// <summary>How a run ended.</summary>
public sealed record TrainingSummary(int EpochsCompleted, bool Interrupted, double BestMetric, int BestEpoch, string MetricName, string LastCheckpoint,
    string? BestCheckpoint, Models.ModelCard? Exported, TimeSpan Elapsed);

/// <summary>
/// Trains a top-down heatmap net on a keypoint dataset (MMPose's tools/train.py as a library class): the real loader
/// and augmentation, JointsMSE or OHKM with target weights, Adam/SGD/RMSprop with multi-step, cosine or constant
/// schedules, warm-up and LPN cycles; BatchNorm in train mode for steps and eval mode for validation; validation
/// every K epochs (OKS AP, PCK); `last.pth` every epoch and on Ctrl-C, `best.pth` by the validation metric, both
/// atomic; metrics.jsonl and plots; a resumed run continues exactly where the checkpoint stood. With a
/// <see cref="Distributed.DataParallel"/> it is one rank of a data-parallel run: every rank takes its share of each batch
/// (the same batches as one process), gradients are summed over the ranks after each backward pass (each rank's loss
/// weighted by its share), BatchNorm buffers follow rank 0's as in DDP, and only rank 0 writes the run folder.
/// </summary>
public sealed partial class Trainer(TrainingOptions options, ITrainingObserver? observer = null, Distributed.DataParallel? parallel = null)
{
    private readonly ITrainingObserver _observer = observer ?? new NullObserver();

    private sealed class NullObserver : ITrainingObserver;

    public TrainingOptions Options { get; } = options;

    public string LastPath => Path.Combine(Options.Output, "last.pth");
    public string BestPath => Path.Combine(Options.Output, "best.pth");
    public string ConfigPath => Path.Combine(Options.Output, "config.json");

    /// <summary>
    /// Runs (or resumes) the run on the calling thread; denormal floats are flushed to zero on that thread while it
    /// trains (tiny gradients otherwise take the CPU's slow path) and the default is restored after.
    /// </summary>
    public TrainingSummary Run(bool resume, CancellationToken cancellationToken = default)
    {
        Torch.FlushDenormal(true);
        try { return RunFlushed(resume, cancellationToken); }
        finally { Torch.FlushDenormal(false); }
    }

    private TrainingSummary RunFlushed(bool resume, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var o = Options;
        Validate(o);
        bool main = parallel?.IsMain ?? true;                    // rank 0 (or the only process) writes the run folder
        if (main) CheckOutput(o.Output, resume);

        var schema = o.Schema is null ? null : KeypointSchema.ByName(o.Schema);
        var train = KeypointDataset.Load(o.Train, o.Images, schema);
        KeypointDataset? validation = null;
        if (o.Validation is not null) validation = KeypointDataset.Load(o.Validation, o.ValidationImages ?? o.Images, train.Schema);
        else if (o.ValidationSplit > 0) (train, validation) = train.Split(o.ValidationSplit);
        if (train.Instances.Count == 0) throw new DatasetException($"{o.Train}: no instance with labelled keypoints to train on");
        var pseudo = o.Pseudo is null ? null : KeypointDataset.Load(o.Pseudo, o.PseudoImages, train.Schema);
        if (pseudo is { Instances.Count: 0 }) throw new DatasetException($"{o.Pseudo}: no pseudo-labelled keypoint kept to train on");
        string metric = o.Metric ?? (train.Schema.Name == KeypointSchema.Coco17.Name ? "ap" : "pck");
        if (main) CreateOutput(o.Output); // only once the data loaded: a bad dataset leaves nothing behind

        Torch.Threads = o.Threads;
        Torch.ManualSeed(o.Seed);
        var codec = CreateCodec(o, train.Schema.Count);
        int outputs = codec.OutputChannels(train.Schema.Count);
        var normalization = PoseNets.Normalization(o.Net);
        static string? Full(string? path) => path is null ? null : Path.GetFullPath(path); // the run folder works from any directory
        var configJson = JsonSerializer.Serialize(o with
        {
            Schema = train.Schema.Name, Metric = metric, Train = Full(o.Train)!, Images = Full(o.Images), Validation = Full(o.Validation),
            ValidationImages = Full(o.ValidationImages), Init = Full(o.Init), Output = Full(o.Output)!,
            Pseudo = Full(o.Pseudo), PseudoImages = Full(o.PseudoImages),
        }, new JsonSerializerOptions { WriteIndented = true });

        using var net = PoseNets.Create(o.Net, outputs);
        string? initReport = null;
        if (o.Init is not null && !resume) initReport = LoadInit(net, o.Init);
        using var optimizer = CreateOptimizer(o, net);
        var schedule = CreateSchedule(o);
        var state = TrainingState.Start;
        if (resume)
        {
            state = TrainingCheckpoint.Load(LastPath, net, optimizer, out _);
            _observer.Message($"resuming from {LastPath}: epoch {state.Epoch + 1}, batch {state.Batch}, step {state.GlobalStep}");
        }
        else if (main) IO.AtomicFile.WriteAllBytes(ConfigPath, System.Text.Encoding.UTF8.GetBytes(configJson));
        parallel?.BroadcastState(net);                          // every rank starts from rank 0's weights
        if (parallel is not null && o.SyncBatchNorm) parallel.SynchroniseBatchNorm(true);

        var records = new TrainingRecords(o.Output);
        records.LoadBefore(state.Epoch);
        using var store = new ImageStore((long)o.CacheMegabytes << 20);
        if (train.IsVideo || validation?.IsVideo == true)
        {
            var preload = Stopwatch.StartNew();
            int frames = store.Preload(train.Images.Values.Concat(validation?.Images.Values ?? []), cancellationToken);
            _observer.Message(string.Format(CultureInfo.InvariantCulture, "decoded {0} video frames into the image cache in {1:F1} s", frames, preload.Elapsed.TotalSeconds));
        }
        var sampler = new TopDownSampler(train.Schema, codec, normalization, AugmentationOptions.ByName(o.Augmentation), o.Seed);
        var shard = parallel is null ? (0, 1) : (parallel.Rank, parallel.WorldSize);
        using var loader = new BatchLoader(train, sampler, store, o.Batch, o.Workers) { Shard = shard };
        using var pseudoLoader = pseudo is null ? null
            : new BatchLoader(pseudo, new TopDownSampler(train.Schema, codec, normalization, AugmentationOptions.ByName(o.Augmentation), o.Seed + 1), store, o.Batch, o.Workers) { Shard = shard };
        var validator = validation is null ? null : new PoseValidator(validation, codec, normalization, store, o.Batch, o.FlipTest);
        _observer.Started(new TrainingPlan(o.Net, net.ParameterCount, train.Instances.Count, validation?.Instances.Count ?? 0, o.Epochs, state.Epoch, state.Batch,
            loader.BatchesPerEpoch, o.Output, initReport, train.MissingImages + (validation?.MissingImages ?? 0)));

        int h = codec.InputHeight, w = codec.InputWidth, hh = codec.HeatmapHeight, hw = codec.HeatmapWidth, k = train.Schema.Count;
        using var images = Persistent(Tensor.Zeros(o.Batch, 3, h, w));
        using var targets = Persistent(Tensor.Zeros(o.Batch, outputs, hh, hw));
        using var weights = Persistent(Tensor.Zeros(o.Batch, k));
        using var second = pseudoLoader is null ? null : new PseudoTensors(Persistent(Tensor.Zeros(o.Batch, 3, h, w)), Persistent(Tensor.Zeros(o.Batch, outputs, hh, hw)), Persistent(Tensor.Zeros(o.Batch, k)));
        using var pseudoBatches = pseudoLoader is null ? null : Cycle(pseudoLoader, state.GlobalStep).GetEnumerator();

        int epochsThisRun = 0;
        for (int epoch = state.Epoch; epoch < o.Epochs; epoch++)
        {
            net.Train();
            if (o.NormEval) foreach (var m in net.Modules()) if (m is BatchNorm2d) m.Eval();
            var epochClock = Stopwatch.StartNew();
            double lossSum = state.EpochLossSum; // a run resumed mid-epoch continues the epoch's sums
            int steps = state.EpochSteps, seen = 0;
            long step = state.GlobalStep;
            int batchIndex = state.Batch;
            foreach (var batch in loader.Epoch(epoch, state.Batch, shuffle: true))
            {
                double loss, lr;
                bool finite;
                try
                {
                    lr = schedule.RateAt(epoch, step);
                    optimizer.LearningRate = lr;
                    TrainingBatch? pb = null;
                    if (pseudoBatches is not null) pb = pseudoBatches.MoveNext() ? pseudoBatches.Current : throw new InvalidOperationException("the pseudo-label loader ended");
                    try { (loss, finite) = Step(net, optimizer, o, batch, images, targets, weights, pb, second, parallel); }
                    finally { if (pb is not null) pseudoLoader!.Return(pb); }
                }
                finally { loader.Return(batch); }
                bool stopNow = cancellationToken.IsCancellationRequested;
                if (parallel is not null)
                {
                    // the batch's loss is the sum of the ranks' weighted shares; a stop asked on any rank stops them all at this step
                    var sums = parallel.Sum(loss, stopNow ? 1 : 0);
                    (loss, stopNow) = (sums[0], sums[1] > 0);
                }
                if (!double.IsFinite(loss) || !finite)
                    throw new TrainingDivergedException(string.Format(CultureInfo.InvariantCulture,
                        "training diverged: {0} at epoch {1}, step {2} of {3} (optimiser step {4}); nothing was saved since, the last good checkpoint is {5}. Lower --lr and --resume",
                        double.IsFinite(loss) ? $"the weights became non-finite (loss {loss:G4})" : $"the loss is {loss}", epoch + 1, batch.Number + 1, loader.BatchesPerEpoch, step + 1,
                        File.Exists(LastPath) ? $"{LastPath} ({Where(state)})" : "none (it diverged before the first checkpoint)"));
                step++;
                batchIndex = batch.Number + 1;
                lossSum += loss;
                steps++;
                seen += batch.GlobalCount;
                _observer.Step(new StepReport(epoch, batch.Number, loader.BatchesPerEpoch, step, loss, lr, seen / epochClock.Elapsed.TotalSeconds));
                if (stopNow && batchIndex < loader.BatchesPerEpoch)
                {
                    state = state with { Epoch = epoch, Batch = batchIndex, GlobalStep = step, EpochLossSum = lossSum, EpochSteps = steps };
                    if (main) TrainingCheckpoint.Save(LastPath, net, optimizer, state, configJson, o.Seed);
                    _observer.Message($"stopped after step {batchIndex} of epoch {epoch + 1}; {LastPath} written. Continue with the same command and --resume.");
                    return new TrainingSummary(epoch, true, state.BestMetric, state.BestEpoch, metric, LastPath, File.Exists(BestPath) ? BestPath : null, null, clock.Elapsed);
                }
            }
            double trainSeconds = epochClock.Elapsed.TotalSeconds;
            var record = new EpochRecord
            {
                Epoch = epoch + 1, TrainLoss = steps > 0 ? lossSum / steps : double.NaN, LearningRate = optimizer.LearningRate, Steps = steps,
                ImagesPerSecond = seen / trainSeconds, TrainSeconds = trainSeconds,
            };
            bool best = false;
            if (validator is not null && ((epoch + 1) % o.ValidateEvery == 0 || epoch + 1 == o.Epochs))
            {
                var valClock = Stopwatch.StartNew();
                var result = Validate(validator, net);
                double value = result.Metric(metric);
                best = value > state.BestMetric;
                if (best) state = state with { BestMetric = value, BestEpoch = epoch + 1 };
                record = record with
                {
                    ValidationSeconds = valClock.Elapsed.TotalSeconds, AP = result.Coco.AP, AP50 = result.Coco.AP50, AP75 = result.Coco.AP75, AR = result.Coco.AR,
                    Pck05 = result.Pck05.Accuracy, Pck10 = result.Pck10.Accuracy, Best = best,
                    Pck05PerKeypoint = train.Schema.Keypoints.Select((name, j) => (name, j)).ToDictionary(p => p.name, p => result.Pck05.PerKeypoint[p.j]),
                    Pck10PerKeypoint = train.Schema.Keypoints.Select((name, j) => (name, j)).ToDictionary(p => p.name, p => result.Pck10.PerKeypoint[p.j]),
                };
            }
            state = state with { Epoch = epoch + 1, Batch = 0, GlobalStep = step, EpochLossSum = 0, EpochSteps = 0 };
            if (main)
            {
                TrainingCheckpoint.Save(LastPath, net, optimizer, state, configJson, o.Seed);
                if (best) File.Copy(LastPath, BestPath, overwrite: true);
                records.Add(record);
                records.Plot(metric);
            }
            parallel?.Barrier();                                    // rank 0's checkpoint is on disk before any rank goes on
            _observer.EpochFinished(record);
            epochsThisRun++;
            if (cancellationToken.IsCancellationRequested && epoch + 1 < o.Epochs)
            {
                _observer.Message($"stopped after epoch {epoch + 1}; {LastPath} written. Continue with the same command and --resume.");
                return new TrainingSummary(epoch + 1, true, state.BestMetric, state.BestEpoch, metric, LastPath, File.Exists(BestPath) ? BestPath : null, null, clock.Elapsed);
            }
            if (o.StopAfterEpochs is int stop && epochsThisRun >= stop && epoch + 1 < o.Epochs)
                return new TrainingSummary(epoch + 1, true, state.BestMetric, state.BestEpoch, metric, LastPath, File.Exists(BestPath) ? BestPath : null, null, clock.Elapsed);
        }
        Models.ModelCard? exported = null;
        if (o.Export is not null && main) exported = RunExporter.Export(o.Output, o.Export, o.ModelsDirectory ?? Models.ModelZoo.DefaultDirectory());
        return new TrainingSummary(o.Epochs, false, state.BestMetric, state.BestEpoch, metric, LastPath, File.Exists(BestPath) ? BestPath : null, exported, clock.Elapsed);
    }

    // the persistent input tensors of the pseudo-labelled batch
    private sealed record PseudoTensors(Tensor Images, Tensor Targets, Tensor Weights) : IDisposable
    {
        public void Dispose()
        {
            Images.Dispose();
            Targets.Dispose();
            Weights.Dispose();
        }
    }

    /// <summary>The pseudo-labelled batches from optimiser step <paramref name="step"/> on, epoch after epoch (their position follows the step, so a resumed run continues it).</summary>
    private static IEnumerable<TrainingBatch> Cycle(BatchLoader loader, long step)
    {
        int per = loader.BatchesPerEpoch;
        for (long epoch = step / per; ; epoch++)
            foreach (var b in loader.Epoch(epoch, epoch == step / per ? (int)(step % per) : 0, shuffle: true))
                yield return b;
    }

    private static Tensor Persistent(Tensor t)
    {
        t.DetachFromScope();
        return t;
    }

    private static string Where(TrainingState s) => s.Batch == 0 ? $"after epoch {s.Epoch}" : $"epoch {s.Epoch + 1} after step {s.Batch}";

    /// <summary>One optimiser step on a batch (and a pseudo-labelled one, CC-SSL); returns the loss value and whether every weight is still finite.</summary>
    private static (double Loss, bool WeightsFinite) Step(Module net, Optimizer optimizer, TrainingOptions o, TrainingBatch batch, Tensor images, Tensor targets, Tensor weights,
        TrainingBatch? pseudo = null, PseudoTensors? pseudoTensors = null, Distributed.DataParallel? parallel = null)
    {
        using var scope = new DisposeScope();
        optimizer.ZeroGrad();
        if (parallel is { SyncBatchNorm: false }) parallel.BroadcastBuffers(net);   // BatchNorm running statistics follow rank 0's (DDP's broadcast_buffers)
        // data-parallel: this rank's mean loss weighted by its share of the batch, so that the ranks' gradients sum to the batch's
        Tensor? loss = null;
        if (batch.Count > 0) loss = Share(Loss(net, o, batch, images, targets, weights), batch);
        else if (parallel is { SyncBatchNorm: true }) loss = EmptyPass(net, images);
        if (pseudo is not null && (pseudo.Count > 0 || parallel is { SyncBatchNorm: true }))
        {
            var p = pseudo.Count > 0 ? Share(Loss(net, o, pseudo, pseudoTensors!.Images, pseudoTensors.Targets, pseudoTensors.Weights), pseudo) * o.PseudoWeight
                : EmptyPass(net, images);
            loss = loss is null ? p : loss + p;
        }
        double value = loss?.Item() ?? 0;
        if (!double.IsFinite(value) && parallel is null) return (value, true);
        loss?.Backward();
        parallel?.AllReduceGradients(optimizer.Parameters);      // every rank takes the same step (a rank with no share adds zeros)
        optimizer.Step();
        using (Torch.NoGrad())
            foreach (var p in optimizer.Parameters)
                if (!double.IsFinite(p.Sum().Item())) return (value, false); // an update overflowed: stop before it is saved
        return (value, true);
    }

    /// <summary>
    /// A rank whose share of the batch is empty, with synchronised BatchNorm: the forward pass on no images (every rank's
    /// BatchNorm layers all-reduce together) and a zero loss whose backward takes part in the gradient sums too.
    /// </summary>
    private static Tensor EmptyPass(Module net, Tensor images)
    {
        var shape = images.Shape;
        return net.Forward(Tensor.FromArray(Array.Empty<float>(), 0, shape[1], shape[2], shape[3])).Sum() * 0.0;
    }

    private static Tensor Share(Tensor loss, TrainingBatch batch) => batch.Count == batch.GlobalCount ? loss : loss * ((double)batch.Count / batch.GlobalCount);

    // the batch's loss (its own forward pass, so BatchNorm sees each domain's statistics apart, as CC-SSL's two passes do)
    private static Tensor Loss(Module net, TrainingOptions o, TrainingBatch batch, Tensor images, Tensor targets, Tensor weights)
    {
        Tensor x, t, wt;
        if (batch.Count == batch.Capacity)
        {
            images.CopyFrom(batch.Images);
            targets.CopyFrom(batch.Targets);
            weights.CopyFrom(batch.Weights);
            (x, t, wt) = (images, targets, weights);
        }
        else
        {
            int n = batch.Count;
            long iv = images.Shape.Skip(1).Aggregate(1L, (a, b) => a * b), tv = targets.Shape.Skip(1).Aggregate(1L, (a, b) => a * b), kv = weights.Shape[1];
            x = Tensor.FromArray(batch.Images[..(int)(n * iv)], [n, .. images.Shape.Skip(1)]);
            t = Tensor.FromArray(batch.Targets[..(int)(n * tv)], [n, .. targets.Shape.Skip(1)]);
            wt = Tensor.FromArray(batch.Weights[..(int)(n * kv)], n, kv);
        }
        var output = net.Forward(x);
        return o.Codec == "movenet" ? MoveNetLoss.Loss(output, t, wt)
            : o.Codec == "udp" ? Losses.CombinedTargetMse(output, t, wt)
            : o.Loss == "ohkm" ? Losses.JointsOhkmMse(output, t, wt, o.OhkmTopK)
            : Losses.JointsMse(output, t, wt);
    }

    /// <summary>Validation in eval mode (running BatchNorm statistics), no autograd.</summary>
    public static ValidationResult Validate(PoseValidator validator, Module net, CancellationToken cancellationToken = default)
    {
        int h = validator.Codec.InputHeight, w = validator.Codec.InputWidth;
        net.Eval();
        try
        {
            var predict = Predictor(net, h, w);
            return validator.Evaluate((inputs, count) => predict(inputs, count), cancellationToken);
        }
        finally { net.Train(); }
    }

    /// <summary>The net as a batch predictor (NCHW crops of H×W → its outputs), no autograd; the caller sets eval mode.</summary>
    internal static Func<float[], int, float[]> Predictor(Module net, int height, int width) => (inputs, count) =>
    {
        using var scope = new DisposeScope();
        using var grad = Torch.NoGrad();
        int values = count * 3 * height * width;
        using var x = Tensor.FromArray(inputs.Length == values ? inputs : inputs[..values], count, 3, height, width);
        return net.Forward(x).ToFloats();
    };

    internal static IKeypointCodec CreateCodec(TrainingOptions o, int keypoints = 17)
    {
        if (o.Codec == "movenet") return new MoveNetCodec(o.InputWidth, o.InputWidth / 4, keypoints);
        double sigma = o.Sigma ?? TrainingOptions.DefaultSigma(o.InputHeight);
        return KeypointCodecs.Create(o.Codec, o.InputWidth, o.InputHeight, o.InputWidth / 4, o.InputHeight / 4, sigma);
    }
}
