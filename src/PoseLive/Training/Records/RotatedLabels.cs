using ScottPlot;

namespace PoseLive.Training.Records;

/// <summary>
/// Category labels under a bar chart, turned 45° so that long names ("left_front_knee") do not overlap:
/// each reads down and to the right from its bar. Reserves the height they need below the axis and the
/// width the last ones reach past the data area on the right.
/// </summary>
internal static class RotatedLabels
{
    private const float Angle = 45;
    private const float Margin = 10;

    public static void Fit(Plot plot, string[] labels, int imageWidth)
    {
        var style = plot.Axes.Bottom.TickLabelStyle;
        style.Rotation = Angle;
        style.Alignment = Alignment.MiddleLeft;
        double cos = Math.Cos(Angle * Math.PI / 180), sin = Math.Sin(Angle * Math.PI / 180);
        // data area width is not known before layout: estimate it from the image less typical axis panels
        double slot = Math.Max(1, imageWidth - 120.0) / labels.Length;
        float below = 0, right = 0;
        using var paint = Paint.NewDisposablePaint();
        for (int i = 0; i < labels.Length; i++)
        {
            var size = style.Measure(labels[i] ?? "", paint).Size;
            below = Math.Max(below, (float)(size.Width * sin + size.Height * cos));
            // label i starts half a slot plus one slot per later bar before the right edge of the data area
            double beyond = size.Width * cos + size.Height * sin / 2 - (labels.Length - i - 0.5) * slot;
            right = Math.Max(right, (float)beyond);
        }
        plot.Axes.Bottom.MinimumSize = below + Margin;
        if (right > 0) plot.Axes.Right.MinimumSize = right + Margin;
    }
}
