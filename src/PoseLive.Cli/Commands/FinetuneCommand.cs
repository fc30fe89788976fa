using System.CommandLine;
using System.Globalization;
using PoseLive.Models;
using PoseLive.Synthetic;
using PoseLive.Training.Adaptation;
using PoseLive.Training.Nets;

namespace PoseLive.Cli.Commands;

/// <summary>`poselive finetune --animal horse --footage DIR|VIDEO…`: CC-SSL adaptation of a synthetic-trained horse model to unlabelled footage (<see cref="AnimalFinetune"/>).</summary>
internal static class FinetuneCommand
{
    public static Command Create()
    {
        var c = new CcsslOptions { Synthetic = "", Footage = new FootageReport([], [], 0, []), Output = "" }; // the recipe's defaults, shown in --help
        var s = new PseudoLabelSettings();
        var f = new AnimalFinetuneOptions { Footage = [], ModelsDirectory = "", Ccssl = c };
        var inv = CultureInfo.InvariantCulture;
        var p = new PeopleFinetuneOptions { Footage = [], Output = "", ModelsDirectory = "" };
        var animal = new Option<string?>("--animal") { Description = "Animal to adapt to (horse): CC-SSL from a synthetic model. Without it, --model is fine-tuned on people." };
        var model = new Option<string>("--model") { Description = "People: the served pose model to fine-tune.", DefaultValueFactory = _ => p.Model };
        var teacher = new Option<string>("--teacher") { Description = "People: the served model that labels the footage, or self (self-training).", DefaultValueFactory = _ => p.Teacher };
        var valSplit = new Option<double>("--val-split") { Description = "People: the last share of each clip's frames held out for validation.", DefaultValueFactory = _ => p.Labels.HoldOut };
        var minScore = new Option<float>("--min-score") { Description = "People: a teacher keypoint must score at least this.", DefaultValueFactory = _ => p.Labels.MinScore };
        var flipTolerance = new Option<double>("--flip-tolerance") { Description = "People: flip-test agreement, a share of the box's longer side.", DefaultValueFactory = _ => p.Labels.FlipTolerance };
        var temporalTolerance = new Option<double>("--temporal-tolerance") { Description = "People: agreement with the previous frame's keypoint carried by optical flow, a share of the box's longer side.", DefaultValueFactory = _ => p.Labels.TemporalTolerance };
        var noFlip = new Option<bool>("--no-flip") { Description = "People: skip the flip check." };
        var augment = new Option<string>("--augment") { Description = "People: augmentation preset (finetune: mild jitter of the served crops).", DefaultValueFactory = _ => p.Augmentation };
        var footage = new Option<string[]>("--footage") { Description = "Unlabelled footage: videos, image sequences (NAME_0001.jpg …) or folders of them.", Required = true, AllowMultipleArgumentsPerToken = true };
        var net = new Option<string>("--net") { Description = $"Network: {string.Join(", ", PoseNets.Names)}.", DefaultValueFactory = _ => c.Net };
        net.AcceptOnlyFromAmong([.. PoseNets.Names]);
        var input = new Option<string>("--input") { Description = "Input HEIGHTxWIDTH (CC-SSL: 256x256).", DefaultValueFactory = _ => $"{c.InputHeight}x{c.InputWidth}" };
        var synthetic = new Option<string?>("--synthetic") { Description = "A labelled synthetic set (annotations.json of `poselive synth`, or its folder) instead of rendering one." };
        var synthCount = new Option<int>("--synthetic-count") { Description = "Synthetic horses to render when no cached model exists (CC-SSL: 10000).", DefaultValueFactory = _ => f.SyntheticCount };
        var synthStyle = new Option<string>("--synthetic-style") { Description = "Style of the rendered set: photo (real-image scenery and coats) or basic.", DefaultValueFactory = _ => "photo" };
        synthStyle.AcceptOnlyFromAmong("photo", "basic");
        var synthEpochs = new Option<int>("--synthetic-epochs") { Description = "Epochs of synthetic pretraining (Adam, constant lr, CC-SSL's strong augmentation).", DefaultValueFactory = _ => f.SyntheticEpochs };
        var epochs = new Option<int?>("--epochs") { Description = $"Adaptation epochs (horse, CC-SSL: {c.Epochs}, one epoch = one pass over the synthetic set with a pseudo-labelled batch per step; people: {p.Epochs})." };
        var roundEpochs = new Option<int>("--round-epochs") { Description = "Pseudo-labels are made again every K epochs (CC-SSL: 10).", DefaultValueFactory = _ => c.RoundEpochs };
        var lambda = new Option<double>("--lambda") { Description = "λ, the weight of the pseudo-label loss (CC-SSL: 10).", DefaultValueFactory = _ => c.Lambda };
        var lr = new Option<double?>("--lr") { Description = string.Format(inv, "Learning rate (horse, CC-SSL: RMSprop {0:G3}; people: Adam {1:G3}).", c.LearningRate, p.LearningRate) };
        var optimizer = new Option<string?>("--optimizer") { Description = "rmsprop (horse, CC-SSL), adam (people) or sgd." };
        optimizer.AcceptOnlyFromAmong("rmsprop", "adam", "sgd");
        var batch = new Option<int?>("--batch", "-b") { Description = $"Images per step (horse: from each domain, CC-SSL: {c.Batch}; people: {p.Batch})." };
        var warmup = new Option<int>("--warmup") { Description = "Horse: linear learning-rate warm-up over the first N adaptation steps (CC-SSL: 0), so a fresh RMSprop state does not take 10x steps on the pretrained model.", DefaultValueFactory = _ => c.WarmupSteps };
        var passes = new Option<int>("--passes") { Description = "Equivariance passes per crop: identity + random scale/rotation (CC-SSL: 5; 1 = none).", DefaultValueFactory = _ => s.Passes };
        var noTemporal = new Option<bool>("--no-temporal") { Description = "Skip the temporal (optical-flow) check." };
        var maxMove = new Option<double>("--flow-max-move") { Description = "Reject a flow that moved a keypoint more than this many pixels.", DefaultValueFactory = _ => s.Flow.MaxMove };
        var decay = new Option<double>("--flow-decay") { Description = "Take the flow point when confidence now / along the flow < this; its confidence × this.", DefaultValueFactory = _ => s.Flow.Decay };
        var cropFactor = new Option<double>("--crop-factor") { Description = "Crop = the box's longer side × this (CC-SSL's real-animal loader: 1.5).", DefaultValueFactory = _ => s.CropFactor };
        var keepSlope = new Option<double>("--keep-slope") { Description = "Kept share of pseudo-label keypoints grows by this per epoch (CC-SSL: 0.02).", DefaultValueFactory = _ => c.Schedule.Slope };
        var keepStart = new Option<double>("--keep-start") { Description = "Kept share at epoch 0 (CC-SSL: 0.2).", DefaultValueFactory = _ => c.Schedule.Slope * c.Schedule.Offset };
        var boxMargin = new Option<double>("--box-margin") { Description = "Drop a pseudo-label keypoint further outside its detected box than this share of the box's longer side, e.g. 0.05 (CC-SSL: off, -1).", DefaultValueFactory = _ => s.BoxMargin };
        var keepMax = new Option<double>("--keep-max") { Description = "Largest kept share (CC-SSL: 0.8).", DefaultValueFactory = _ => c.Schedule.MaxKept };
        var sigma = new Option<double?>("--sigma") { Description = "Target σ in heatmap pixels (default: 2 at 64 heatmap rows, scaled)." };
        var classes = new Option<string>("--classes") { Description = "Detector classes that are the animal, comma-separated (e.g. horse,zebra).", DefaultValueFactory = _ => "horse" };
        var detector = new Option<string>("--detector") { Description = "Detector model.", DefaultValueFactory = _ => f.Detector };
        var detThreshold = new Option<float>("--det-threshold") { Description = "Detector score threshold.", DefaultValueFactory = _ => f.DetectorThreshold };
        var frameStep = new Option<int>("--frame-step") { Description = "Search every Nth frame of the footage.", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "libtorch threads.", DefaultValueFactory = _ => c.Threads };
        var workers = new Option<int>("--workers") { Description = "Loader workers.", DefaultValueFactory = _ => c.Workers };
        var seed = new Option<ulong>("--seed") { Description = "Seed.", DefaultValueFactory = _ => 0 };
        var output = new Option<string?>("--out") { Description = "Run folder (checkpoints, footage.json, pseudo-labels, plots; default runs/finetune-horse or runs/finetune-MODEL)." };
        var export = new Option<string?>("--export") { Description = "Served model name (default: NET-horse-ccssl, or MODEL-finetuned)." };
        var models = new Option<string?>("--models") { Description = "Models folder (the synthetic model is cached there)." };
        var resume = new Option<bool>("--resume") { Description = "Continue an interrupted run in --out (same labels, same rounds)." };
        var stopAfter = new Option<int?>("--stop-after-rounds") { Description = "Stop after N rounds of this invocation (resumable).", Hidden = true };
        var stopAfterEpochs = new Option<int?>("--stop-after-epochs") { Description = "People: stop after N epochs of this invocation (resumable).", Hidden = true };
        var command = new Command("finetune", "Adapt served models to unlabelled footage. People (--model, default movenet-lightning): a teacher's pseudo-labels, kept when confident, flip- and time-consistent, fine-tune the served ONNX graph itself; exported next to it. Animals (--animal horse): CC-SSL (Mu et al. 2020) from a synthetic-trained model: pseudo-labels checked for equivariance and over time, a rising keep threshold, synthetic + λ·pseudo loss; exports a served horse model.")
        {
            animal, model, teacher, valSplit, minScore, flipTolerance, temporalTolerance, noFlip, augment, stopAfterEpochs, footage, net, input, synthetic, synthCount, synthStyle, synthEpochs, epochs, roundEpochs, lambda, lr, optimizer, batch, warmup, passes, noTemporal, maxMove, decay,
            cropFactor, keepSlope, keepStart, keepMax, boxMargin, sigma, classes, detector, detThreshold, frameStep, threads, workers, seed, output, export, models, resume, stopAfter,
        };
        var distributed = new DistributedOptions();
        distributed.AddTo(command);
        // asynchronous so that System.CommandLine's Ctrl-C handler is installed; the work runs on one worker thread (libtorch's grad mode is per thread)
        command.SetAction(async (parse, cancel) =>
        {
            await Task.Yield();
            var log = parse.InvocationConfiguration.Output;
            if (parse.GetValue(animal) is null) return await People(parse, log, cancel);
            AnimalFinetuneOptions o;
            try
            {
                var (h, w) = TrainCommand.ParseSize(parse.GetRequiredValue(input));
                double slope = parse.GetValue(keepSlope), start = parse.GetValue(keepStart);
                if (slope <= 0 || start is < 0 or > 1) throw new ArgumentException("--keep-slope must be positive and --keep-start in [0, 1]");
                string? synth = parse.GetValue(synthetic);
                if (synth is not null && Directory.Exists(synth)) synth = Path.Combine(synth, SynthGenerator.AnnotationsName);
                var ccssl = new CcsslOptions
                {
                    Synthetic = "", Footage = new FootageReport([], [], 0, []), Net = parse.GetRequiredValue(net), InputHeight = h, InputWidth = w, Sigma = parse.GetValue(sigma),
                    Epochs = parse.GetValue(epochs) ?? c.Epochs, RoundEpochs = parse.GetValue(roundEpochs), Lambda = parse.GetValue(lambda), LearningRate = parse.GetValue(lr) ?? c.LearningRate,
                    Optimizer = parse.GetValue(optimizer) ?? c.Optimizer, Batch = parse.GetValue(batch) ?? c.Batch, WarmupSteps = parse.GetValue(warmup),
                    Schedule = new PseudoLabelSchedule(slope, start / slope, parse.GetValue(keepMax)),
                    Labels = new PseudoLabelSettings
                    {
                        Passes = parse.GetValue(passes), Temporal = !parse.GetValue(noTemporal), CropFactor = parse.GetValue(cropFactor),
                        BoxMargin = parse.GetValue(boxMargin),
                        Flow = new TemporalConsistency(parse.GetValue(maxMove), parse.GetValue(decay)),
                    },
                    Threads = parse.GetValue(threads), Workers = parse.GetValue(workers), Seed = parse.GetValue(seed), Output = parse.GetValue(output) ?? Path.Combine("runs", "finetune-horse"),
                    StopAfterRounds = parse.GetValue(stopAfter),
                }.Validate();
                if (ccssl.Batch < 1) throw new ArgumentException("--batch must be at least 1");
                if (parse.GetValue(synthCount) < 1 || parse.GetValue(synthEpochs) < 1) throw new ArgumentException("--synthetic-count and --synthetic-epochs must be at least 1");
                Training.Runs.Trainer.Validate(new Training.Runs.TrainingOptions { Train = "", Output = "", Net = ccssl.Net, InputHeight = h, InputWidth = w, Sigma = ccssl.Sigma, Threads = ccssl.Threads, Workers = ccssl.Workers });
                o = new AnimalFinetuneOptions
                {
                    Animal = parse.GetValue(animal)!, Footage = parse.GetRequiredValue(footage), Synthetic = synth, SyntheticCount = parse.GetValue(synthCount),
                    SyntheticStyle = parse.GetRequiredValue(synthStyle) == "basic" ? SynthStyle.Basic : SynthStyle.Photo, SyntheticEpochs = parse.GetValue(synthEpochs),
                    Classes = parse.GetRequiredValue(classes).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                    Detector = parse.GetRequiredValue(detector), DetectorThreshold = parse.GetValue(detThreshold), FrameStep = parse.GetValue(frameStep),
                    Export = parse.GetValue(export), ModelsDirectory = parse.GetValue(models) ?? ModelZoo.DefaultDirectory(), Ccssl = ccssl,
                };
                if (o.FrameStep < 1) throw new ArgumentException("--frame-step must be at least 1");
                if (!string.Equals(o.Animal, "horse", StringComparison.OrdinalIgnoreCase))
                    throw new ArgumentException($"--animal {o.Animal}: only horse has a synthetic model (and the quadruped18 schema) so far");
            }
            catch (ArgumentException e) { throw new UsageException(e.Message); }

            if (distributed.Launch(parse, log, parse.InvocationConfiguration.Error, cancel) is int launched) return launched;   // --nproc N: the ranks did the work
            using var parallel = distributed.Join(parse);
            var rankLog = parallel is { IsMain: false } ? TextWriter.Null : log;                 // rank 0 speaks for the run
            var result = await Task.Run(() => new AnimalFinetune(o, rankLog, parallel).Run(parse.GetValue(resume), cancel), CancellationToken.None);
            if (parallel is { IsMain: false }) return result.Adaptation.Interrupted && cancel.IsCancellationRequested ? PoseLiveCli.ExitFailure : PoseLiveCli.ExitOk;
            if (result.Adaptation.Interrupted)
            {
                log.WriteLine($"stopped; {o.Ccssl.Output} keeps the checkpoint and the finished rounds: resume with the same command and --resume");
                return PoseLiveCli.ExitFailure;
            }
            var last = result.Adaptation.Rounds.OrderBy(r => r.Round).LastOrDefault();
            log.WriteLine(string.Format(inv, "done in {0:hh\\:mm\\:ss}: {1} rounds on {2} crops of {3} clips (last round kept {4:P0}); run {5}; served model {6} (models/{6}.onnx) — try `poselive annotate CLIP --model {6}`",
                result.Elapsed, result.Adaptation.Rounds.Count, result.Footage.Crops.Count, result.Footage.Clips.Count, last?.KeptFraction ?? 0, result.Run, result.Exported?.Name));
            return PoseLiveCli.ExitOk;
        });
        return command;
            // the people path: --model fine-tuned on a teacher's pseudo-labels (PeopleFinetune)
            async Task<int> People(ParseResult parse, TextWriter log, CancellationToken cancel)
        {
            PeopleFinetuneOptions o;
            var d = new PeopleFinetuneOptions { Footage = [], Output = "", ModelsDirectory = "" };
            try
            {
                var labels = new TeacherLabelSettings
                {
                    MinScore = parse.GetValue(minScore), FlipTolerance = parse.GetValue(flipTolerance),
                    TemporalTolerance = parse.GetValue(temporalTolerance), Flip = !parse.GetValue(noFlip),
                    Temporal = !parse.GetValue(noTemporal), HoldOut = parse.GetValue(valSplit),
                    Flow = new TemporalConsistency(parse.GetValue(maxMove), parse.GetValue(decay)),
                }.Validate();
                var modelName = parse.GetValue(model)!;
                o = new PeopleFinetuneOptions
                {
                    Footage = parse.GetRequiredValue(footage), Model = modelName, Teacher = parse.GetValue(teacher)!, Labels = labels,
                    Epochs = parse.GetValue(epochs) ?? d.Epochs, Batch = parse.GetValue(batch) ?? d.Batch,
                    LearningRate = parse.GetValue(lr) ?? d.LearningRate, Optimizer = parse.GetValue(optimizer) ?? d.Optimizer,
                    Augmentation = parse.GetValue(augment)!, Detector = parse.GetValue(detector)!,
                    DetectorThreshold = parse.GetValue(detThreshold), FrameStep = parse.GetValue(frameStep),
                    Threads = parse.GetValue(threads), Workers = parse.GetValue(workers), Seed = parse.GetValue(seed),
                    Output = parse.GetValue(output) ?? Path.Combine("runs", "finetune-" + modelName), Export = parse.GetValue(export),
                    ModelsDirectory = parse.GetValue(models) ?? ModelZoo.DefaultDirectory(), StopAfterEpochs = parse.GetValue(stopAfterEpochs),
                };
                if (o.Epochs < 1 || o.Batch < 1 || !(o.LearningRate > 0)) throw new ArgumentException("--epochs and --batch must be at least 1 and --lr positive");
                if (o.FrameStep < 1) throw new ArgumentException("--frame-step must be at least 1");
                if (!Training.Data.AugmentationOptions.Presets.Contains(o.Augmentation)) throw new ArgumentException($"--augment must be one of {string.Join(", ", Training.Data.AugmentationOptions.Presets)}");
            }
            catch (ArgumentException e) { throw new UsageException(e.Message); }

            if (distributed.Launch(parse, log, parse.InvocationConfiguration.Error, cancel) is int launched) return launched;   // --nproc N: the ranks did the work
            using var parallel = distributed.Join(parse);
            var rankLog = parallel is { IsMain: false } ? TextWriter.Null : log;                 // rank 0 speaks for the run
            var result = await Task.Run(() => new PeopleFinetune(o, rankLog, parallel).Run(parse.GetValue(resume), cancel), CancellationToken.None);
            if (parallel is { IsMain: false }) return result.Training.Interrupted && cancel.IsCancellationRequested ? PoseLiveCli.ExitFailure : PoseLiveCli.ExitOk;
            if (result.Training.Interrupted)
            {
                log.WriteLine($"stopped; {o.Output} keeps the pseudo-labels and the checkpoint: resume with the same command and --resume");
                return PoseLiveCli.ExitFailure;
            }
            log.WriteLine(string.Format(CultureInfo.InvariantCulture, "done in {0:hh\\:mm\\:ss}: held-out AP against {1} labels {2:F4} → {3:F4}; run {4}; served model {5} (models/{5}.onnx) — try `poselive annotate CLIP --model {5}`",
                result.Elapsed, o.Teacher == "self" ? o.Model + "'s own" : o.Teacher + "'s", result.ApBefore, result.ApAfter, result.Run, result.Exported?.Name));
            return PoseLiveCli.ExitOk;
        }
    }
}
