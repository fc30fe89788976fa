namespace PoseLive.Training.Runs;

/// <summary>The plan of a run, as it starts: data sizes, net, steps, where it resumes from.</summary>
public sealed record TrainingPlan(string Net, long Parameters, int TrainInstances, int ValidationInstances, int Epochs, int StartEpoch, int StartBatch,
    int BatchesPerEpoch, string Output, string? InitReport, int MissingImages);

/// <summary>One optimiser step.</summary>
public sealed record StepReport(int Epoch, int Batch, int BatchesPerEpoch, long GlobalStep, double Loss, double LearningRate, double ImagesPerSecond);

/// <summary>Receives a run's progress (the CLI draws it; tests may ignore it).</summary>
public interface ITrainingObserver
{
    void Started(TrainingPlan plan) { }
    void Step(StepReport step) { }
    void EpochFinished(EpochRecord record) { }
    void Message(string text) { }
}

/// <summary>The loss stopped being finite: the run stops and keeps its last good checkpoint.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
