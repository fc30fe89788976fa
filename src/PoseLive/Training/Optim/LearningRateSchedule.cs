namespace PoseLive.Training.Optim;

/// <summary>Learning rate as a function of the epoch; <see cref="Apply"/> sets it on an optimiser.</summary>
public abstract class LearningRateSchedule(double baseRate)
{
    public double BaseRate { get; } = baseRate;

    public abstract double RateAt(int epoch);

    /// <summary>The rate at a step within an epoch (<paramref name="step"/> counts optimiser steps since training began); epoch-wise schedules ignore it.</summary>
    public virtual double RateAt(int epoch, long step) => RateAt(epoch);

    public void Apply(Optimizer optimizer, int epoch) => optimizer.LearningRate = RateAt(epoch);

    public void Apply(Optimizer optimizer, int epoch, long step) => optimizer.LearningRate = RateAt(epoch, step);
}

/// <summary>A constant rate.</summary>
public sealed class ConstantSchedule(double baseRate) : LearningRateSchedule(baseRate)
{
    public override double RateAt(int epoch) => BaseRate;
}

/// <summary>
/// Linear warm-up over the first <c>steps</c> optimiser steps (MMPose: 500 steps from 0.001×), then the inner schedule:
/// rate = inner × (startFactor + (1 − startFactor)·step/steps).
/// </summary>
public sealed class WarmupSchedule(LearningRateSchedule inner, long steps, double startFactor = 0.001) : LearningRateSchedule(inner.BaseRate)
{
    public override double RateAt(int epoch) => inner.RateAt(epoch);

    public override double RateAt(int epoch, long step) =>
        step >= steps ? inner.RateAt(epoch, step) : inner.RateAt(epoch, step) * (startFactor + (1 - startFactor) * step / steps);
}

/// <summary>
/// LPN's iterative training: the inner schedule repeated every <c>cycleEpochs</c> epochs (the rate restarts at the
/// base rate at the start of each cycle).
/// </summary>
public sealed class CyclicSchedule(LearningRateSchedule inner, int cycleEpochs) : LearningRateSchedule(inner.BaseRate)
{
    public override double RateAt(int epoch) => inner.RateAt(epoch % cycleEpochs);

    public override double RateAt(int epoch, long step) => inner.RateAt(epoch % cycleEpochs, step);
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
