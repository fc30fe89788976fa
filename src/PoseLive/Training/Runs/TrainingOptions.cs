using System.Text.Json.Serialization;

namespace PoseLive.Training.Runs;

/// <summary>
/// Everything a training run is made of (the effective config written to runs/NAME/config.json): data, net, input,
/// codec, schedule, optimiser, loss, augmentation, loader, validation and output. Defaults follow the official
/// SimpleBaseline/HRNet/LPN COCO recipe where one exists.
/// </summary>
public sealed record TrainingOptions
{
    public required string Train { get; init; }
    public string? Images { get; init; }
    public string? Validation { get; init; }
    public string? ValidationImages { get; init; }
    /// <summary>Fraction split off the end of the training data for validation when no <see cref="Validation"/> is given (0: none).</summary>
    public double ValidationSplit { get; init; }
    /// <summary>Keypoint schema the net predicts (default: the dataset's).</summary>
    public string? Schema { get; init; }
    public string Net { get; init; } = "lpn50";
    public int InputWidth { get; init; } = 192;
    public int InputHeight { get; init; } = 256;
    public string Codec { get; init; } = "msra";
    /// <summary>Gaussian σ in heatmap pixels (default 2 at 64 heatmap rows, scaled with the heatmap size).</summary>
    public double? Sigma { get; init; }
    public int Epochs { get; init; } = 210;
    public int Batch { get; init; } = 32;
    public double LearningRate { get; init; } = 1e-3;
    public string Optimizer { get; init; } = "adam";
    public double Momentum { get; init; } = 0.9;
    public double WeightDecay { get; init; }
    /// <summary>multistep:170,200 (×<see cref="ScheduleFactor"/>), cosine, or constant.</summary>
    public string Schedule { get; init; } = "multistep:170,200";
    public double ScheduleFactor { get; init; } = 0.1;
    /// <summary>Linear warm-up over this many optimiser steps (0: none).</summary>
    public int WarmupSteps { get; init; }
    /// <summary>LPN's iterative training: repeat the schedule every this many epochs (0: no cycles).</summary>
    public int CycleEpochs { get; init; }
    /// <summary>mse (JointsMSE with target weights) or ohkm (top-k hard keypoints).</summary>
    public string Loss { get; init; } = "mse";
    public int OhkmTopK { get; init; } = 8;
    /// <summary>Augmentation preset: standard, none, ccssl.</summary>
    public string Augmentation { get; init; } = "standard";
    public int Workers { get; init; } = 2;
    public int Threads { get; init; } = Environment.ProcessorCount;
    public ulong Seed { get; init; }
    public int ValidateEvery { get; init; } = 1;
    public bool FlipTest { get; init; }
    /// <summary>ap (COCO OKS AP) or pck (PCK@0.05, box-normalised); default: ap for coco17, pck otherwise.</summary>
    public string? Metric { get; init; }
    public required string Output { get; init; }
    public string? Init { get; init; }
    /// <summary>
    /// CC-SSL: a second, pseudo-labelled dataset (the target domain) trained beside <see cref="Train"/>; each step takes
    /// one batch of each and the loss is MSE(train) + <see cref="PseudoWeight"/>·MSE(pseudo). An epoch stays one pass
    /// over <see cref="Train"/>; the pseudo batches cycle.
    /// </summary>
    public string? Pseudo { get; init; }
    public string? PseudoImages { get; init; }
    /// <summary>λ, the pseudo-label loss weight (CC-SSL: 10).</summary>
    public double PseudoWeight { get; init; } = 10;
    public string? Export { get; init; }
    public string? ModelsDirectory { get; init; }
    /// <summary>Decoded-image cache of the loader, in MiB.</summary>
    public int CacheMegabytes { get; init; } = 2048;

    /// <summary>
    /// BatchNorm layers stay in eval mode while training (their running statistics fixed, their affine weights trained):
    /// MMPose's <c>norm_eval</c>, for fine-tuning with small batches. Written into config.json only when on.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool NormEval { get; init; }

    /// <summary>
    /// Data-parallel runs: BatchNorm normalises over every rank's share of the batch together (synchronised BatchNorm), so
    /// N ranks train exactly as one process on the global batch; off, each rank's BatchNorm sees its own share (DDP's
    /// default). Written into config.json only when on.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool SyncBatchNorm { get; init; }

    /// <summary>Stop after this many epochs of this invocation (the run stays resumable; tests and time-boxed runs use it).</summary>
    [JsonIgnore] public int? StopAfterEpochs { get; init; }

    public static IReadOnlyList<string> Optimizers { get; } = ["adam", "sgd", "rmsprop"];

    /// <summary>The target σ in heatmap pixels when none is given: 2 at 64 heatmap rows (256 input rows), scaled with the heatmap.</summary>
    public static double DefaultSigma(int inputHeight) => 2.0 * (inputHeight / 4) / 64.0;
    public static IReadOnlyList<string> Losses { get; } = ["mse", "ohkm"];
}
