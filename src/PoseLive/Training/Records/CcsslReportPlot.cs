using ScottPlot;

namespace PoseLive.Training.Records;

/// <summary>The CC-SSL benchmark's figure: PCK@0.05 on the target clips against epochs per row (top), and each row's PCK@0.05 per joint group (bottom).</summary>
internal static class CcsslReportPlot
{
    public static void Write(string path, Benchmarks.CcsslReport report, int width = 1100, int height = 900)
    {
        var multiplot = new Multiplot();
        multiplot.AddPlots(2);
        var curves = multiplot.GetPlot(0);
        curves.Title("CC-SSL benchmark: target PCK@0.05 during training");
        curves.XLabel("epoch (adaptation rows continue from the synthetic-only model)");
        curves.YLabel("PCK@0.05");
        foreach (var row in report.Rows)
        {
            if (row.CurveEpochs.Length == 0) continue;
            var line = curves.Add.Scatter(row.CurveEpochs, row.CurvePck05);
            line.LegendText = row.Name;
            line.LineWidth = 2;
        }
        curves.ShowLegend(Alignment.LowerRight);
        PlotFont.Apply(curves);

        var bars = multiplot.GetPlot(1);
        bars.Title("PCK@0.05 per joint group (last epoch)");
        var groups = Benchmarks.CcsslBenchmark.Groups.Select(g => g.Name).Append("mean").ToArray();
        var palette = new ScottPlot.Palettes.Category10();
        int rows = report.Rows.Count;
        double width1 = 0.8 / rows;
        for (int r = 0; r < rows; r++)
        {
            var list = new List<Bar>();
            for (int g = 0; g < groups.Length; g++)
                if (report.Rows[r].Pck05PerGroup.TryGetValue(groups[g], out var v) && double.IsFinite(v))
                    list.Add(new Bar { Position = g - 0.4 + width1 * (r + 0.5), Value = v, Size = width1 * 0.9, FillColor = palette.GetColor(r) });
            var plotted = bars.Add.Bars(list);
            plotted.LegendText = report.Rows[r].Name;
        }
        bars.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(groups.Select((g, i) => new Tick(i, g)).ToArray());
        bars.Axes.SetLimitsY(0, 1);
        bars.ShowLegend(Alignment.UpperRight);
        PlotFont.Apply(bars);

        var temp = path + ".tmp.png";
        multiplot.SavePng(temp, width, height);
        File.Move(temp, path, overwrite: true);
    }
}
