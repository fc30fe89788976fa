using System.Globalization;
using PoseLive.Pose.Codecs;
using PoseLive.Training.Checkpoints;
using PoseLive.Training.Modules;
using PoseLive.Training.Nets;
using PoseLive.Training.Optim;

namespace PoseLive.Training.Runs;

/// <summary>Option checks, the output folder, `--init`, and the optimiser and schedule a run's options name.</summary>
public sealed partial class Trainer
{
    /// <summary>Checks every value before any work starts; throws ArgumentException naming the option.</summary>
    public static void Validate(TrainingOptions o)
    {
        void Require(bool ok, string message) { if (!ok) throw new ArgumentException(message); }
        bool served = Graph.ServedGraphNet.IsServed(o.Net);
        Require(PoseNets.Names.Contains(o.Net) || served, $"--net '{o.Net}' is not one of {string.Join(", ", PoseNets.Names)}");
        int multiple = PoseNets.InputMultiple(o.Net);
        Require(o.InputWidth > 0 && o.InputHeight > 0 && o.InputWidth % multiple == 0 && o.InputHeight % multiple == 0,
            $"--input {o.InputHeight}x{o.InputWidth}: both sides must be positive multiples of {multiple} for {o.Net}");
        Require(KeypointCodecs.Names.Contains(o.Codec) && o.Codec != "regression-offset" || o.Codec == "movenet" && served,
            $"--codec '{o.Codec}' must be msra, dark, udp or soft-argmax (movenet for a served MoveNet)");
        Require(o.Codec != "movenet" || o.InputWidth == o.InputHeight, "MoveNet takes a square input");
        Require(o.Sigma is null || o.Sigma > 0, "--sigma must be positive");
        Require(o.Epochs >= 1, "--epochs must be at least 1");
        Require(o.Batch >= 1, "--batch must be at least 1");
        Require(o.LearningRate > 0 && double.IsFinite(o.LearningRate), "--lr must be a positive number");
        Require(TrainingOptions.Optimizers.Contains(o.Optimizer), $"--optimizer '{o.Optimizer}' must be one of {string.Join(", ", TrainingOptions.Optimizers)}");
        Require(TrainingOptions.Losses.Contains(o.Loss), $"--loss '{o.Loss}' must be one of {string.Join(", ", TrainingOptions.Losses)}");
        Require(o.OhkmTopK >= 1, "--ohkm-topk must be at least 1");
        Require(o.WarmupSteps >= 0, "--warmup must not be negative");
        Require(o.CycleEpochs >= 0, "--cycle must not be negative");
        Require(o.ValidationSplit is >= 0 and < 1, "--val-split must be in [0, 1)");
        Require(o.ValidateEvery >= 1, "--val-every must be at least 1");
        Require(o.Workers is >= 1 and <= 64, "--workers must be 1..64");
        Require(o.Threads >= 1 && o.Threads <= 4 * Environment.ProcessorCount, $"--threads must be 1..{4 * Environment.ProcessorCount}");
        Require(o.CacheMegabytes >= 0, "--cache-mb must not be negative");
        Require(o.Metric is null or "ap" or "pck", "--metric must be ap or pck");
        Require(AugmentationPresets().Contains(o.Augmentation), $"--augment '{o.Augmentation}' must be one of {string.Join(", ", AugmentationPresets())}");
        Require(o.PseudoWeight >= 0 && double.IsFinite(o.PseudoWeight), "--lambda must be a non-negative number");
        _ = CreateSchedule(o); // parses --schedule
    }

    private static IReadOnlyList<string> AugmentationPresets() => Data.AugmentationOptions.Presets;

    /// <summary>A fresh run must not overwrite an earlier run's checkpoints; a resumed one needs them.</summary>
    private void CheckOutput(string output, bool resume)
    {
        if (resume && !File.Exists(LastPath)) throw new FileNotFoundException($"{output}: nothing to resume (no last.pth)", LastPath);
        if (!resume && File.Exists(LastPath))
            throw new IOException($"{output}: already holds a run (last.pth); add --resume to continue it, or choose another --out");
    }

    /// <summary>The run folder must be writable.</summary>
    private static void CreateOutput(string output)
    {
        try
        {
            Directory.CreateDirectory(output);
            var probe = Path.Combine(output, $".write-test-{Environment.ProcessId}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{output}: cannot write the run folder ({e.Message})");
        }
    }

    /// <summary>Loads a checkpoint to start from (fine-tuning); names must overlap and shapes agree. Returns the key report.</summary>
    private static string LoadInit(Module net, string path)
    {
        var tensors = PthReader.Read(path);
        var own = net.StateDict().Select(p => p.Name).ToHashSet();
        if (!tensors.Any(t => own.Contains(t.Name)))
            throw new CheckpointFormatException($"{path}: none of its {tensors.Count} tensors is a parameter of this net (e.g. '{tensors.FirstOrDefault()?.Name}'); is it a checkpoint of another architecture?");
        try { return net.LoadStateDict(tensors, strict: false).ToString(); }
        catch (CheckpointFormatException e) { throw new CheckpointFormatException($"{path}: {e.Message} (a checkpoint of another net, or another keypoint count?)"); }
    }

    private static Optimizer CreateOptimizer(TrainingOptions o, Module net) => o.Optimizer switch
    {
        "sgd" => new Sgd(net.Parameters(), o.LearningRate, o.Momentum, o.WeightDecay),
        "rmsprop" => new RmsProp(net.Parameters(), o.LearningRate, weightDecay: o.WeightDecay),
        _ => new Adam(net.Parameters(), o.LearningRate, weightDecay: o.WeightDecay),
    };

    /// <summary>multistep:E1,E2,… | cosine | constant, then warm-up and LPN cycles around it.</summary>
    internal static LearningRateSchedule CreateSchedule(TrainingOptions o)
    {
        var spec = o.Schedule.Trim();
        int total = o.CycleEpochs > 0 ? o.CycleEpochs : o.Epochs;
        LearningRateSchedule schedule;
        if (spec == "cosine") schedule = new CosineSchedule(o.LearningRate, total);
        else if (spec == "constant") schedule = new ConstantSchedule(o.LearningRate);
        else if (spec.StartsWith("multistep:", StringComparison.Ordinal))
        {
            var parts = spec["multistep:".Length..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var milestones = new List<int>();
            foreach (var p in parts)
                milestones.Add(int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var m) && m > 0
                    ? m : throw new ArgumentException($"--schedule '{o.Schedule}': milestone '{p}' is not a positive epoch number"));
            if (milestones.Count == 0) throw new ArgumentException($"--schedule '{o.Schedule}': no milestones");
            schedule = new MultiStepSchedule(o.LearningRate, milestones, o.ScheduleFactor);
        }
        else throw new ArgumentException($"--schedule '{o.Schedule}' must be multistep:E1,E2,…, cosine or constant");
        if (o.CycleEpochs > 0) schedule = new CyclicSchedule(schedule, o.CycleEpochs);
        if (o.WarmupSteps > 0) schedule = new WarmupSchedule(schedule, o.WarmupSteps);
        return schedule;
    }
}
