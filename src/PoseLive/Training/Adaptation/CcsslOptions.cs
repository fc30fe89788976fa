namespace PoseLive.Training.Adaptation;

/// <summary>
/// A CC-SSL adaptation (Mu et al., CVPR 2020): the labelled synthetic set, the model it starts from, the unlabelled
/// footage, and every knob of the recipe with the paper's value as default (60 epochs, pseudo-labels every 10,
/// λ = 10, RMSprop 2.5e-4, momentum 0, no weight decay).
/// </summary>
public sealed record CcsslOptions
{
    /// <summary>The labelled synthetic set (COCO keypoint JSON) trained beside the pseudo-labels.</summary>
    public required string Synthetic { get; init; }
    public string? SyntheticImages { get; init; }
    /// <summary>The synthetic-pretrained checkpoint to start from; null = CC-SSL without synthetic pretraining.</summary>
    public string? Init { get; init; }
    /// <summary>The footage crops (from <see cref="FootageCrops"/>).</summary>
    public required FootageReport Footage { get; init; }
    public string Net { get; init; } = "lpn50";
    public int InputWidth { get; init; } = 256;
    public int InputHeight { get; init; } = 256;
    public double? Sigma { get; init; }
    public int Epochs { get; init; } = 60;
    /// <summary>Pseudo-labels are made again every this many epochs.</summary>
    public int RoundEpochs { get; init; } = 10;
    public double Lambda { get; init; } = 10;
    public double LearningRate { get; init; } = 2.5e-4;
    public string Optimizer { get; init; } = "rmsprop";
    public int Batch { get; init; } = 6;
    /// <summary>
    /// Linear learning-rate warm-up over the first N optimiser steps of the adaptation (0: none, the paper's recipe). A
    /// fresh RMSprop state (alpha 0.99, no bias correction) makes its first steps about lr/√(1−0.99ⁿ): ten times the rate
    /// at step 1 and still 1.6× at step 50, on every weight of an already trained model; a warm-up lets the state fill first.
    /// </summary>
    public int WarmupSteps { get; init; }
    public string Augmentation { get; init; } = "ccssl";
    public PseudoLabelSchedule Schedule { get; init; } = new();
    public PseudoLabelSettings Labels { get; init; } = new();
    /// <summary>Labelled target data to validate on (benchmarks; real footage has none).</summary>
    public string? Validation { get; init; }
    public string? ValidationImages { get; init; }
    public int Threads { get; init; } = Environment.ProcessorCount;
    public int Workers { get; init; } = 2;
    public ulong Seed { get; init; }
    public int CacheMegabytes { get; init; } = 2048;
    public required string Output { get; init; }
    /// <summary>Served model name to export when the last round ends.</summary>
    public string? Export { get; init; }
    public string? ModelsDirectory { get; init; }
    /// <summary>Stop after this many rounds of this invocation (resumable; tests and time-boxed runs).</summary>
    public int? StopAfterRounds { get; init; }

    public int Rounds => (Epochs + RoundEpochs - 1) / RoundEpochs;

    public CcsslOptions Validate()
    {
        if (Epochs < 1) throw new ArgumentException("--epochs must be at least 1");
        if (RoundEpochs < 1) throw new ArgumentException("--round-epochs must be at least 1");
        if (WarmupSteps < 0) throw new ArgumentException("--warmup must not be negative");
        if (Lambda < 0 || !double.IsFinite(Lambda)) throw new ArgumentException("--lambda must be a non-negative number");
        if (Labels.Passes < 1) throw new ArgumentException("--passes must be at least 1 (1 = identity only, no equivariance check)");
        if (Labels.CropFactor <= 0) throw new ArgumentException("--crop-factor must be positive");
        if (Schedule.Slope < 0 || Schedule.MaxKept is <= 0 or > 1) throw new ArgumentException("--keep-slope must be ≥ 0 and --keep-max in (0, 1]");
        return this;
    }
}
