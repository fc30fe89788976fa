using System.CommandLine;
using System.Globalization;
using PoseLive.Training.Data;
using PoseLive.Training.Nets;
using PoseLive.Training.Runs;
using Spectre.Console;

namespace PoseLive.Cli.Commands;

/// <summary>`poselive train`: a thin wrapper over <see cref="Trainer"/> with a progress display and a line per epoch.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var d = new TrainingOptions { Train = "", Output = "" }; // the library's defaults, shown in --help
        var inv = CultureInfo.InvariantCulture;
        var net = new Option<string>("--net") { Description = $"Network: {string.Join(", ", PoseNets.Names)}, or onnx:models/NAME.onnx to train a served model's own graph (with its card beside it; MoveNet takes --codec movenet).", DefaultValueFactory = _ => d.Net };
        net.Validators.Add(r =>
        {
            var v = r.GetValueOrDefault<string>();
            if (!PoseNets.Names.Contains(v) && !Training.Graph.ServedGraphNet.IsServed(v)) r.AddError($"--net '{v}' is not one of {string.Join(", ", PoseNets.Names)} or onnx:PATH");
        });
        var train = new Option<string>("--train") { Description = "Training set: COCO keypoint JSON (file names relative to --images), or a NAME.coco.json from `poselive annotate` (video#frame).", Required = true };
        var images = new Option<string?>("--images") { Description = "Image (or video) root for --train (default: the JSON's folder)." };
        var val = new Option<string?>("--val") { Description = "Validation set (COCO keypoint JSON)." };
        var valImages = new Option<string?>("--val-images") { Description = "Image root for --val (default: --images)." };
        var valSplit = new Option<double>("--val-split") { Description = "Without --val: the last fraction of each video (by time) or of the images (by id) validates.", DefaultValueFactory = _ => 0 };
        var schema = new Option<string?>("--schema") { Description = "Keypoint schema the net predicts: coco17 or quadruped18 (default: the dataset's)." };
        var input = new Option<string>("--input") { Description = "Input size HxW (both multiples of 32; 4 for tiny).", DefaultValueFactory = _ => $"{d.InputHeight}x{d.InputWidth}" };
        var codec = new Option<string>("--codec") { Description = "Heatmap codec: msra, dark, udp, soft-argmax (movenet for a served MoveNet).", DefaultValueFactory = _ => d.Codec };
        codec.AcceptOnlyFromAmong("msra", "dark", "udp", "soft-argmax", "movenet");
        var sigma = new Option<double?>("--sigma") { Description = "Target Gaussian sigma in heatmap pixels (default 2 at 64 heatmap rows, scaled)." };
        var epochs = new Option<int>("--epochs") { Description = "Epochs.", DefaultValueFactory = _ => d.Epochs };
        var batch = new Option<int>("--batch", "-b") { Description = "Images per step.", DefaultValueFactory = _ => d.Batch };
        var lr = new Option<double>("--lr") { Description = "Base learning rate.", DefaultValueFactory = _ => d.LearningRate };
        var schedule = new Option<string>("--schedule") { Description = "multistep:E1,E2,… (×--lr-factor at each), cosine, or constant.", DefaultValueFactory = _ => d.Schedule };
        var factor = new Option<double>("--lr-factor") { Description = "Multi-step factor.", DefaultValueFactory = _ => d.ScheduleFactor };
        var warmup = new Option<int>("--warmup") { Description = "Linear warm-up steps (from 0.001×).", DefaultValueFactory = _ => d.WarmupSteps };
        var cycle = new Option<int>("--cycle") { Description = "LPN iterative training: repeat the schedule every N epochs (0: off).", DefaultValueFactory = _ => d.CycleEpochs };
        var optimizer = new Option<string>("--optimizer") { Description = "adam, sgd or rmsprop.", DefaultValueFactory = _ => d.Optimizer };
        optimizer.AcceptOnlyFromAmong([.. TrainingOptions.Optimizers]);
        var momentum = new Option<double>("--momentum") { Description = "SGD momentum.", DefaultValueFactory = _ => d.Momentum };
        var wd = new Option<double>("--weight-decay") { Description = "Weight decay.", DefaultValueFactory = _ => d.WeightDecay };
        var loss = new Option<string>("--loss") { Description = "mse (JointsMSE with target weights) or ohkm (online hard keypoint mining).", DefaultValueFactory = _ => d.Loss };
        loss.AcceptOnlyFromAmong([.. TrainingOptions.Losses]);
        var topk = new Option<int>("--ohkm-topk") { Description = "Keypoints OHKM keeps per sample.", DefaultValueFactory = _ => d.OhkmTopK };
        var augment = new Option<string>("--augment") { Description = "Augmentation: standard (scale 0.35, rotation 45° p 0.6, flip, half body), ccssl (animal recipe), none.", DefaultValueFactory = _ => d.Augmentation };
        augment.AcceptOnlyFromAmong([.. AugmentationOptions.Presets]);
        var workers = new Option<int>("--workers") { Description = "Loader worker tasks.", DefaultValueFactory = _ => d.Workers };
        var threads = new Option<int>("--threads") { Description = "libtorch threads.", DefaultValueFactory = _ => d.Threads };
        var seed = new Option<ulong>("--seed") { Description = "Seed of weights, data order and augmentation.", DefaultValueFactory = _ => d.Seed };
        var valEvery = new Option<int>("--val-every") { Description = "Validate every K epochs (and after the last).", DefaultValueFactory = _ => d.ValidateEvery };
        var flip = new Option<bool>("--flip-test") { Description = "Average with the mirrored input when validating." };
        var metric = new Option<string?>("--metric") { Description = "Best-checkpoint metric: ap (COCO OKS AP) or pck (PCK@0.05); default ap for coco17, pck otherwise." };
        var output = new Option<string>("--out") { Description = "Run folder (config, metrics.jsonl, plots, last.pth, best.pth).", DefaultValueFactory = _ => "runs/train" };
        var resume = new Option<bool>("--resume") { Description = "Continue the run in --out from its last.pth." };
        var init = new Option<string?>("--init") { Description = "Start from this checkpoint's weights (fine-tuning); the key report is shown." };
        var export = new Option<string?>("--export") { Description = "After training, export the best checkpoint as models/NAME.onnx + card." };
        var models = new Option<string?>("--models") { Description = "Models folder for --export." };
        var cache = new Option<int>("--cache-mb") { Description = "Decoded-image cache (MiB).", DefaultValueFactory = _ => d.CacheMegabytes };
        var normEval = new Option<bool>("--norm-eval") { Description = "Keep BatchNorm in eval mode while training (running statistics fixed, affine weights trained): MMPose's norm_eval, for small batches." };
        var syncBn = new Option<bool>("--sync-bn") { Description = "Data-parallel runs: BatchNorm over every rank's share of the batch together (synchronised), as one process on the whole batch; default: each rank's own share." };
        var distributed = new DistributedOptions();
        var command = new Command("train", "Train a top-down pose net (LPN, HRNet, SimpleBaseline) on a COCO keypoint dataset or annotated video; validates, checkpoints, plots, exports.")
        {
            net, train, images, val, valImages, valSplit, schema, input, codec, sigma, epochs, batch, lr, schedule, factor, warmup, cycle, optimizer, momentum, wd,
            loss, topk, augment, workers, threads, seed, valEvery, flip, metric, output, resume, init, export, models, cache, normEval, syncBn,
        };
        distributed.AddTo(command);
        // asynchronous on purpose: System.CommandLine installs its Ctrl-C handler only once the action has returned its
        // task, so the training itself runs on a worker thread (one thread throughout: libtorch's grad mode is per thread)
        command.SetAction(async (parse, cancel) =>
        {
            await Task.Yield();
            var (h, w) = ParseSize(parse.GetRequiredValue(input));
            var o = new TrainingOptions
            {
                Net = parse.GetRequiredValue(net), Train = parse.GetRequiredValue(train), Images = parse.GetValue(images), Validation = parse.GetValue(val),
                ValidationImages = parse.GetValue(valImages), ValidationSplit = parse.GetValue(valSplit), Schema = parse.GetValue(schema), InputHeight = h, InputWidth = w,
                Codec = parse.GetRequiredValue(codec), Sigma = parse.GetValue(sigma), Epochs = parse.GetValue(epochs), Batch = parse.GetValue(batch),
                LearningRate = parse.GetValue(lr), Schedule = parse.GetRequiredValue(schedule), ScheduleFactor = parse.GetValue(factor), WarmupSteps = parse.GetValue(warmup),
                CycleEpochs = parse.GetValue(cycle), Optimizer = parse.GetRequiredValue(optimizer), Momentum = parse.GetValue(momentum), WeightDecay = parse.GetValue(wd),
                Loss = parse.GetRequiredValue(loss), OhkmTopK = parse.GetValue(topk), Augmentation = parse.GetRequiredValue(augment), Workers = parse.GetValue(workers),
                Threads = parse.GetValue(threads), Seed = parse.GetValue(seed), ValidateEvery = parse.GetValue(valEvery), FlipTest = parse.GetValue(flip),
                Metric = parse.GetValue(metric), Output = parse.GetRequiredValue(output), Init = parse.GetValue(init), Export = parse.GetValue(export),
                ModelsDirectory = parse.GetValue(models), CacheMegabytes = parse.GetValue(cache), NormEval = parse.GetValue(normEval), SyncBatchNorm = parse.GetValue(syncBn),
            };
            var stdout = parse.InvocationConfiguration.Output;
            try { Trainer.Validate(o); } // every value checked before any work starts
            catch (ArgumentException e)
            {
                parse.InvocationConfiguration.Error.WriteLine($"poselive: train: {e.Message}");
                return PoseLiveCli.ExitUsage;
            }
            if (distributed.Launch(parse, stdout, parse.InvocationConfiguration.Error, cancel) is int launched) return launched;   // --nproc N: the ranks did the work
            using var parallel = distributed.Join(parse);
            bool interactive = ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected && parallel is null;
            bool resuming = parse.GetValue(resume);
            var observer = new PlainObserver(parallel is { IsMain: false } ? TextWriter.Null : stdout);   // rank 0 speaks for the run
            if (parallel is not null)
                stdout.WriteLine($"rank {parallel.Rank} of {parallel.WorldSize} ({parallel.World.Launcher}, rendezvous {parallel.World.StoreFile ?? $"{parallel.World.MasterAddress}:{parallel.World.MasterPort}"}): each step's batch of {o.Batch} is shared out over the ranks");
            var summary = await Task.Run(() => interactive
                ? RunWithProgress(o, resuming, cancel)
                : new Trainer(o, observer, parallel).Run(resuming, cancel), CancellationToken.None);
            if (parallel is { IsMain: false }) return summary.Interrupted && cancel.IsCancellationRequested ? PoseLiveCli.ExitFailure : PoseLiveCli.ExitOk;
            var best = summary.BestEpoch >= 1 && double.IsFinite(summary.BestMetric)
                ? string.Format(inv, "best {0} {1:F4} (epoch {2}), {3}", summary.MetricName, summary.BestMetric, summary.BestEpoch, summary.BestCheckpoint)
                : $"not validated, {summary.LastCheckpoint}";
            stdout.WriteLine(string.Format(inv, "{0}: {1} epochs in {2:hh\\:mm\\:ss}; {3}{4}", o.Output, summary.EpochsCompleted, summary.Elapsed, best,
                summary.Exported is { } card ? $"; exported models/{card.Name}.onnx" : ""));
            if (summary.Interrupted && cancel.IsCancellationRequested)
            {
                stdout.WriteLine($"stopped: resume with the same command and --resume");
                return PoseLiveCli.ExitFailure;
            }
            return PoseLiveCli.ExitOk;
        });
        return command;
    }

    internal static (int Height, int Width) ParseSize(string text)
    {
        var parts = text.ToLowerInvariant().Split('x');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var h) && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var w) && h > 0 && w > 0)
            return (h, w);
        throw new ArgumentException($"--input '{text}' must be HEIGHTxWIDTH, e.g. 256x192");
    }

    internal static string EpochLine(EpochRecord r, int epochs) => string.Format(CultureInfo.InvariantCulture,
        "epoch {0}/{1}: loss {2:E3}, lr {3:G3}, {4:F1} images/s, {5:F0} s{6}{7}", r.Epoch, epochs, r.TrainLoss, r.LearningRate, r.ImagesPerSecond, r.TrainSeconds,
        r.AP is double ap ? string.Format(CultureInfo.InvariantCulture, "; val AP {0:F4}, PCK@0.05 {1:F4}, PCK@0.1 {2:F4}", ap, r.Pck05, r.Pck10) : "",
        r.Best ? " (best)" : "");

    private sealed class PlainObserver(TextWriter output) : ITrainingObserver
    {
        private int _epochs;
        public void Started(TrainingPlan p)
        {
            _epochs = p.Epochs;
            output.WriteLine(Plan(p));
        }
        public void EpochFinished(EpochRecord record) => output.WriteLine(EpochLine(record, _epochs));
        public void Message(string text) => output.WriteLine(text);
    }

    internal static string Plan(TrainingPlan p) => string.Format(CultureInfo.InvariantCulture,
        "{0}: {1:F2}M parameters; {2} training instances ({3} steps per epoch), {4} validating; epochs {5}..{6}{7}{8}{9}",
        p.Net, p.Parameters / 1e6, p.TrainInstances, p.BatchesPerEpoch, p.ValidationInstances, p.StartEpoch + 1, p.Epochs,
        p.StartBatch > 0 ? $" (from step {p.StartBatch + 1})" : "", p.MissingImages > 0 ? $"; {p.MissingImages} missing images skipped" : "",
        p.InitReport is null ? "" : $"\n--init: {p.InitReport}");

    private static TrainingSummary RunWithProgress(TrainingOptions o, bool resume, CancellationToken cancel)
    {
        TrainingSummary? summary = null;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var task = context.AddTask("training", maxValue: 1);
                summary = new Trainer(o, new ProgressObserver(task, o.Epochs)).Run(resume, cancel);
                task.Value = task.MaxValue;
            });
        return summary!;
    }

    private sealed class ProgressObserver(ProgressTask task, int epochs) : ITrainingObserver
    {
        private int _perEpoch = 1;
        public void Started(TrainingPlan p)
        {
            _perEpoch = p.BatchesPerEpoch;
            task.MaxValue = (double)epochs * p.BatchesPerEpoch;
            task.Value = (double)p.StartEpoch * p.BatchesPerEpoch + p.StartBatch;
            AnsiConsole.MarkupLine(Markup.Escape(Plan(p)));
        }
        public void Step(StepReport s)
        {
            task.Value = (double)s.Epoch * _perEpoch + s.Batch + 1;
            task.Description = string.Format(CultureInfo.InvariantCulture, "epoch {0}/{1} step {2}/{3} loss {4:E2} {5:F1} img/s", s.Epoch + 1, epochs, s.Batch + 1, s.BatchesPerEpoch, s.Loss, s.ImagesPerSecond);
        }
        public void EpochFinished(EpochRecord record) => AnsiConsole.MarkupLine(Markup.Escape(EpochLine(record, epochs)));
        public void Message(string text) => AnsiConsole.MarkupLine(Markup.Escape(text));
    }
}
