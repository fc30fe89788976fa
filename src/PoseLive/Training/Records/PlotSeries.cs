namespace PoseLive.Training.Records;

/// <summary>One named line of a <see cref="TrainingPlots.Lines"/> plot: points (X[i], Y[i]); a NaN coordinate skips the point.</summary>
public sealed record PlotSeries(string Name, double[] X, double[] Y);
