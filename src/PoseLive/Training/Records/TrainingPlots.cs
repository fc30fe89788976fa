using PoseLive.IO;
using ScottPlot;

namespace PoseLive.Training.Records;

/// <summary>
/// PNG plots of a training run (loss and metric curves, per-keypoint scores), rendered with ScottPlot
/// and written atomically, so a reader of the run folder never sees a half-written image.
/// </summary>
public static class TrainingPlots
{
    /// <summary>
    /// Line-and-marker plot of one or more series; a legend names them when there is more than one.
    /// Points with a NaN (or infinite) coordinate are left out.
    /// </summary>
    public static void Lines(string path, string title, string xLabel, string yLabel, IReadOnlyList<PlotSeries> series,
        int width = 900, int height = 500)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.Count == 0) throw new ArgumentException("A line plot needs at least one series.", nameof(series));
        foreach (var s in series)
        {
            if (s is null) throw new ArgumentException("A series is null.", nameof(series));
            if (s.X is null || s.Y is null) throw new ArgumentException($"Series '{s.Name}' has no X or Y values.", nameof(series));
            if (s.X.Length != s.Y.Length)
                throw new ArgumentException($"Series '{s.Name}' has {s.X.Length} X values but {s.Y.Length} Y values.", nameof(series));
        }
        CheckSize(width, height);

        using var plot = new Plot();
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        foreach (var s in series)
        {
            var (xs, ys) = FinitePoints(s);
            if (xs.Length == 0) continue;
            var line = plot.Add.Scatter(xs, ys);
            line.LegendText = s.Name;
            line.LineWidth = 2;
            line.MarkerSize = xs.Length > 200 ? 0 : 5; // markers only while they stay distinguishable
        }
        if (series.Count > 1) plot.ShowLegend(Alignment.UpperRight);
        else plot.HideLegend(); // ScottPlot shows one as soon as a plottable has legend text
        PlotFont.Apply(plot);
        Write(path, plot, width, height);
    }

    /// <summary>
    /// Vertical bar chart, one bar per label, the labels rotated under the x axis; the y axis runs from 0
    /// to max(1, largest value). NaN values draw no bar.
    /// </summary>
    public static void Bars(string path, string title, string[] labels, double[] values, string yLabel,
        int width = 1000, int height = 500)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(values);
        if (labels.Length != values.Length)
            throw new ArgumentException($"Bar chart has {labels.Length} labels but {values.Length} values.", nameof(values));
        if (labels.Length == 0) throw new ArgumentException("A bar chart needs at least one bar.", nameof(labels));
        CheckSize(width, height);

        using var plot = new Plot();
        plot.Title(title);
        plot.YLabel(yLabel);
        var bars = new List<Bar>(values.Length);
        double top = 1;
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i])) continue;
            bars.Add(new Bar { Position = i, Value = values[i], FillColor = Colors.SteelBlue, Size = 0.7 });
            top = Math.Max(top, values[i]);
        }
        if (bars.Count > 0) plot.Add.Bars(bars);

        var ticks = new Tick[labels.Length];
        for (int i = 0; i < labels.Length; i++) ticks[i] = new Tick(i, labels[i] ?? "");
        var bottom = plot.Axes.Bottom;
        bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        bottom.MajorTickStyle.Length = 0;
        PlotFont.Apply(plot); // before measuring the labels
        RotatedLabels.Fit(plot, labels, width);
        plot.Grid.XAxisStyle.MajorLineStyle.Width = 0; // vertical grid lines would cut through the bars
        plot.Axes.SetLimitsX(-0.5, labels.Length - 0.5);
        plot.Axes.SetLimitsY(0, top);
        Write(path, plot, width, height);
    }

    private static (double[] X, double[] Y) FinitePoints(PlotSeries s)
    {
        int n = 0;
        for (int i = 0; i < s.X.Length; i++) if (double.IsFinite(s.X[i]) && double.IsFinite(s.Y[i])) n++;
        var xs = new double[n];
        var ys = new double[n];
        for (int i = 0, k = 0; i < s.X.Length; i++)
        {
            if (!double.IsFinite(s.X[i]) || !double.IsFinite(s.Y[i])) continue;
            xs[k] = s.X[i];
            ys[k++] = s.Y[i];
        }
        return (xs, ys);
    }

    private static void CheckSize(int width, int height)
    {
        if (width < 100 || height < 100 || width > 16384 || height > 16384)
            throw new ArgumentException($"Plot size {width}x{height} is outside 100..16384 pixels per side.");
    }

    private static void Write(string path, Plot plot, int width, int height)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = plot.GetImageBytes(width, height, ImageFormat.Png);
        AtomicFile.WriteAllBytes(path, bytes);
    }
}
