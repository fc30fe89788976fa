using PoseLive.Training.Checkpoints;
using PoseLive.Training.Modules;
using PoseLive.Training.Optim;
using PoseLive.Training.Tensors;

namespace PoseLive.Training.Runs;

/// <summary>Where a run stands: the next epoch and batch to train, optimiser steps taken, and the best validation so far.</summary>
public sealed record TrainingState(int Epoch, int Batch, long GlobalStep, double BestMetric, int BestEpoch)
{
    public static TrainingState Start { get; } = new(0, 0, 0, double.NegativeInfinity, -1);

    /// <summary>Within an epoch stopped part-way: the loss sum and steps so far (so its record equals an uninterrupted one).</summary>
    public double EpochLossSum { get; init; }
    public int EpochSteps { get; init; }
}

/// <summary>
/// A run's checkpoint as `torch.save` writes training checkpoints, atomically: {"state_dict": the net's state_dict,
/// "optimizer": {kind, state (per parameter index), param_groups}, "epoch", "batch", "global_step", "best_metric",
/// "best_epoch", "epoch_loss_sum", "epoch_steps", "config" (the run's JSON), "seed"}. The data order and augmentation are functions of (seed, epoch,
/// index), so these values are the whole state a resumed run needs. `--init` and PthReader find the state_dict in it.
/// </summary>
public static class TrainingCheckpoint
{
    public static void Save(string path, Module net, Optimizer optimizer, TrainingState state, string configJson, ulong seed)
    {
        var optimizerState = new Dictionary<long, Dictionary<string, object?>>();
        long stepCount = 0;
        foreach (var e in optimizer.SaveState())
        {
            if (e.Index < 0) { stepCount = e.Number; continue; }
            if (!optimizerState.TryGetValue(e.Index, out var entry)) optimizerState[e.Index] = entry = [];
            entry[e.Name] = e.Tensor is { } t ? new CheckpointTensor($"optimizer.state.{e.Index}.{e.Name}", CheckpointDType.Float32, t.Shape, t.ToFloats()) : e.Number;
        }
        var group = optimizer.Hyperparameters.ToDictionary(p => p.Key, p => (object?)p.Value);
        group["params"] = Enumerable.Range(0, optimizer.Parameters.Count).Select(i => (object?)(long)i).ToList();
        var tree = new Dictionary<string, object?>
        {
            ["state_dict"] = new PthWriter.StateDict(ModuleCheckpoint.Snapshot(net)),
            ["optimizer"] = new Dictionary<string, object?>
            {
                ["kind"] = optimizer.Kind, ["step_count"] = stepCount, ["state"] = optimizerState, ["param_groups"] = new List<object?> { group },
            },
            ["epoch"] = (long)state.Epoch,
            ["batch"] = (long)state.Batch,
            ["global_step"] = state.GlobalStep,
            ["best_metric"] = double.IsFinite(state.BestMetric) ? state.BestMetric : null,
            ["best_epoch"] = (long)state.BestEpoch,
            ["epoch_loss_sum"] = state.EpochLossSum,
            ["epoch_steps"] = (long)state.EpochSteps,
            ["config"] = configJson,
            ["seed"] = seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["poselive"] = ThisAssembly.Version,
        };
        PthWriter.WriteTree(path, tree);
    }

    /// <summary>Loads weights (strict) and, when given, the optimiser state; returns where the run stood.</summary>
    public static TrainingState Load(string path, Module net, Optimizer? optimizer, out string configJson)
    {
        if (PthReader.ReadTree(path) is not Dictionary<object, object?> root || !root.TryGetValue("state_dict", out var sd) || sd is not Dictionary<object, object?> weights)
            throw new CheckpointFormatException($"{path}: not a PoseLive training checkpoint (no state_dict)");
        try { net.LoadStateDict(weights.Where(p => p.Value is CheckpointTensor).Select(p => (CheckpointTensor)p.Value! with { Name = p.Key.ToString()! })); }
        catch (CheckpointFormatException e) { throw new CheckpointFormatException($"{path}: {e.Message}"); }
        if (optimizer is not null && root.GetValueOrDefault("optimizer") is Dictionary<object, object?> opt)
        {
            if (opt.GetValueOrDefault("kind") as string != optimizer.Kind)
                throw new CheckpointFormatException($"{path}: the checkpoint's optimiser is {opt.GetValueOrDefault("kind")}, this run uses {optimizer.Kind}");
            var entries = new List<OptimizerStateEntry> { new(-1, "step_count", null, Number(opt.GetValueOrDefault("step_count"))) };
            var temporaries = new List<Tensor>();
            try
            {
                if (opt.GetValueOrDefault("state") is Dictionary<object, object?> state)
                    foreach (var (index, value) in state)
                        if (value is Dictionary<object, object?> named)
                            foreach (var (name, v) in named)
                            {
                                if (v is CheckpointTensor ct)
                                {
                                    var t = Tensor.FromArray(ct.ToFloats(), ct.Shape);
                                    t.DetachFromScope();
                                    temporaries.Add(t);
                                    entries.Add(new OptimizerStateEntry((int)Number(index), (string)name, t, 0));
                                }
                                else entries.Add(new OptimizerStateEntry((int)Number(index), (string)name, null, Number(v)));
                            }
                optimizer.LoadState(entries);
            }
            finally
            {
                foreach (var t in temporaries) t.Dispose();
            }
        }
        configJson = root.GetValueOrDefault("config") as string ?? "{}";
        return new TrainingState((int)Number(root.GetValueOrDefault("epoch")), (int)Number(root.GetValueOrDefault("batch")), Number(root.GetValueOrDefault("global_step")),
            root.GetValueOrDefault("best_metric") is double b ? b : double.NegativeInfinity, (int)Number(root.GetValueOrDefault("best_epoch") ?? -1L))
        {
            EpochLossSum = root.GetValueOrDefault("epoch_loss_sum") is double sum ? sum : 0,
            EpochSteps = (int)Number(root.GetValueOrDefault("epoch_steps")),
        };
    }

    /// <summary>The number of finished epochs a checkpoint records (without building a net for it).</summary>
    public static int EpochOf(string path) =>
        PthReader.ReadTree(path) is Dictionary<object, object?> root && root.GetValueOrDefault("epoch") is { } e
            ? (int)Number(e) : throw new CheckpointFormatException($"{path}: not a PoseLive training checkpoint (no epoch)");

    private static long Number(object? v) => v switch { long l => l, double d => (long)d, null => 0, _ => Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture) };
}
