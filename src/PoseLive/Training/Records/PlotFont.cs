using ScottPlot;
using SkiaSharp;

namespace PoseLive.Training.Records;

/// <summary>
/// The sans-serif font the training plots use. Skia answers an unknown family with its default face
/// (DejaVu Serif on a bare Debian), and ScottPlot's own "sans" detection lands there too, so the family
/// is chosen here from the installed ones. Applied per plot: ScottPlot's FontStyler would also change
/// the process-wide default.
/// </summary>
internal static class PlotFont
{
    private static readonly string[] Preferred = ["DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial", "Helvetica"];
    private static readonly Lazy<string?> Family = new(Find);

    /// <summary>Sets the font of the title, axis labels, tick labels and legend (no-op when no preferred family is installed).</summary>
    public static void Apply(Plot plot)
    {
        if (Family.Value is not { } name) return;
        plot.Axes.Title.Label.FontName = name;
        foreach (var axis in plot.Axes.GetAxes())
        {
            axis.Label.FontName = name;
            axis.TickLabelStyle.FontName = name;
        }
        plot.Legend.FontName = name;
    }

    private static string? Find()
    {
        var installed = new HashSet<string>(SKFontManager.Default.FontFamilies, StringComparer.OrdinalIgnoreCase);
        return Preferred.FirstOrDefault(installed.Contains);
    }
}
