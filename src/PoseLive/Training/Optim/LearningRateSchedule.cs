namespace PoseLive.Training.Optim;

/// <summary>Learning rate as a function of the epoch; <see cref="Apply"/> sets it on an optimiser.</summary>
public abstract class LearningRateSchedule(double baseRate)
{
    public double BaseRate { get; } = baseRate;

    public abstract double RateAt(int epoch);

    public void Apply(Optimizer optimizer, int epoch) => optimizer.LearningRate = RateAt(epoch);
}

/// <summary>MultiStepLR: the rate is multiplied by <c>factor</c> at each milestone epoch (e.g. 90 and 120 with 0.1).</summary>
public sealed class MultiStepSchedule(double baseRate, IReadOnlyList<int> milestones, double factor = 0.1) : LearningRateSchedule(baseRate)
{
    public override double RateAt(int epoch) => BaseRate * Math.Pow(factor, milestones.Count(m => epoch >= m));
}

/// <summary>Cosine annealing from the base rate to <c>minRate</c> over <c>epochs</c>.</summary>
public sealed class CosineSchedule(double baseRate, int epochs, double minRate = 0) : LearningRateSchedule(baseRate)
{
    public override double RateAt(int epoch) =>
        minRate + (BaseRate - minRate) * (1 + Math.Cos(Math.PI * Math.Min(epoch, epochs) / epochs)) / 2;
}
