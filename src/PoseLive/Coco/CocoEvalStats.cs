using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PoseLive.Coco;

/// <summary>The ten COCO keypoint statistics (−1 where undefined, as pycocotools).</summary>
public sealed record CocoEvalStats(double AP, double AP50, double AP75, double APMedium, double APLarge,
    double AR, double AR50, double AR75, double ARMedium, double ARLarge)
{
    public double[] ToArray() => [AP, AP50, AP75, APMedium, APLarge, AR, AR50, AR75, ARMedium, ARLarge];

    /// <summary>The table pycocotools' summarize() prints.</summary>
    public string ToTable()
    {
        var rows = new (string Kind, string Iou, string Area)[]
        {
            ("Average Precision  (AP)", "0.50:0.95", "   all"), ("Average Precision  (AP)", "0.50     ", "   all"), ("Average Precision  (AP)", "0.75     ", "   all"),
            ("Average Precision  (AP)", "0.50:0.95", "medium"), ("Average Precision  (AP)", "0.50:0.95", " large"),
            ("Average Recall     (AR)", "0.50:0.95", "   all"), ("Average Recall     (AR)", "0.50     ", "   all"), ("Average Recall     (AR)", "0.75     ", "   all"),
            ("Average Recall     (AR)", "0.50:0.95", "medium"), ("Average Recall     (AR)", "0.50:0.95", " large"),
        };
        var values = ToArray();
        var sb = new StringBuilder();
        for (int i = 0; i < rows.Length; i++)
            sb.AppendLine(string.Format(CultureInfo.InvariantCulture, " {0} @[ IoU={1} | area={2} | maxDets= 20 ] = {3:0.000}", rows[i].Kind, rows[i].Iou, rows[i].Area, values[i]));
        return sb.ToString();
    }

    public string ToJson() => JsonSerializer.Serialize(new Dictionary<string, double>
    {
        ["AP"] = AP, ["AP50"] = AP50, ["AP75"] = AP75, ["APm"] = APMedium, ["APl"] = APLarge,
        ["AR"] = AR, ["AR50"] = AR50, ["AR75"] = AR75, ["ARm"] = ARMedium, ["ARl"] = ARLarge,
    }, new JsonSerializerOptions { WriteIndented = true });
}
