using PoseLive.Pose;

namespace PoseLive.Detection;

/// <summary>Which CenterNet head layout a model has.</summary>
public enum CenterNetHeads
{
    /// <summary>Sigmoid heatmap + distances (left, top, right, bottom) from the cell, in input pixels (the fetched MobileNetV3 model).</summary>
    Ltrb,
    /// <summary>Standard CenterNet (Zhou et al.): heatmap logits + size (w, h) + sub-cell offset (dx, dy), both in heatmap cells.</summary>
    SizeOffset,
}

/// <summary>
/// CenterNet decoding in C#: sigmoid (for logits), 3×3 max-pool peak test, top-K over the selected
/// classes, boxes from the size heads, mapping from input to image pixels, and optional class-wise NMS.
/// Outputs are NCHW: heatmap [C, H, W]; box head [4, H, W] (ltrb) or wh [2, H, W] and reg [2, H, W].
/// </summary>
public sealed class CenterNetDecoder
{
    public CenterNetHeads Heads { get; init; } = CenterNetHeads.Ltrb;
    public int Stride { get; init; } = 4;
    public int TopK { get; init; } = 100;
    public float ScoreThreshold { get; init; } = 0.3f;
    /// <summary>IoU above which a lower-scored box of the same class is dropped; ≥ 1 disables NMS.</summary>
    public float NmsIoU { get; init; } = 0.5f;
    /// <summary>Classes to keep (null = all).</summary>
    public IReadOnlySet<int>? Classes { get; init; }

    /// <summary>
    /// Decodes one image's heads. <paramref name="inputToImageX"/>/<paramref name="inputToImageY"/> scale
    /// input pixels to image pixels (the input is the whole frame stretched).
    /// </summary>
    public List<DetectedBox> Decode(ReadOnlySpan<float> heatmap, int classes, int height, int width, ReadOnlySpan<float> sizeHead,
        ReadOnlySpan<float> offsetHead, float inputToImageX, float inputToImageY)
    {
        var detections = new List<DetectedBox>();
        Decode(heatmap, classes, height, width, sizeHead, offsetHead, inputToImageX, inputToImageY, detections, new List<(float, int, int, int)>(), new List<DetectedBox>());
        return detections;
    }

    // the reusing form's work lists (one caller at a time, as the detector's batch buffers)
    private readonly List<(float Score, int Class, int Y, int X)> _candidates = [];
    private readonly List<DetectedBox> _unsuppressed = [];

    /// <summary>
    /// <see cref="Decode(ReadOnlySpan{float}, int, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, float, float)"/> into
    /// <paramref name="into"/> (cleared first) with reused work lists: nothing allocated once they have grown (live). Not thread-safe.
    /// </summary>
    public void Decode(ReadOnlySpan<float> heatmap, int classes, int height, int width, ReadOnlySpan<float> sizeHead,
        ReadOnlySpan<float> offsetHead, float inputToImageX, float inputToImageY, List<DetectedBox> into) =>
        Decode(heatmap, classes, height, width, sizeHead, offsetHead, inputToImageX, inputToImageY, into, _candidates, _unsuppressed);

    private void Decode(ReadOnlySpan<float> heatmap, int classes, int height, int width, ReadOnlySpan<float> sizeHead,
        ReadOnlySpan<float> offsetHead, float inputToImageX, float inputToImageY, List<DetectedBox> into,
        List<(float Score, int Class, int Y, int X)> candidates, List<DetectedBox> detections)
    {
        into.Clear();
        candidates.Clear();
        detections.Clear();
        int plane = width * height;
        if (heatmap.Length < classes * plane) throw new ArgumentException($"Heatmap holds {heatmap.Length} values, {classes}x{height}x{width} expected.");
        int sizeChannels = Heads == CenterNetHeads.Ltrb ? 4 : 2;
        if (sizeHead.Length < sizeChannels * plane) throw new ArgumentException($"Size head holds {sizeHead.Length} values, {sizeChannels}x{height}x{width} expected.");
        if (Heads == CenterNetHeads.SizeOffset && offsetHead.Length < 2 * plane) throw new ArgumentException("Offset head missing or too small.");

        float threshold = ScoreThreshold;
        for (int c = 0; c < classes; c++)
        {
            if (Classes is not null && !Classes.Contains(c)) continue;
            var map = heatmap.Slice(c * plane, plane);
            for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                float v = map[y * width + x];
                float score = Heads == CenterNetHeads.SizeOffset ? Sigmoid(v) : v;
                if (score < threshold) continue;
                if (!IsPeak(map, width, height, x, y, v)) continue;
                candidates.Add((score, c, y, x));
            }
        }
        candidates.Sort(static (a, b) => b.Score.CompareTo(a.Score));
        if (candidates.Count > TopK) candidates.RemoveRange(TopK, candidates.Count - TopK);

        foreach (var (score, c, y, x) in candidates)
        {
            int i = y * width + x;
            float x0, y0, x1, y1;
            if (Heads == CenterNetHeads.Ltrb)
            {
                float cx = x * Stride, cy = y * Stride;
                x0 = cx - sizeHead[i]; y0 = cy - sizeHead[plane + i]; x1 = cx + sizeHead[2 * plane + i]; y1 = cy + sizeHead[3 * plane + i];
            }
            else
            {
                float cx = x + offsetHead[i], cy = y + offsetHead[plane + i];
                float w = sizeHead[i], h = sizeHead[plane + i];
                x0 = (cx - w / 2) * Stride; y0 = (cy - h / 2) * Stride; x1 = (cx + w / 2) * Stride; y1 = (cy + h / 2) * Stride;
            }
            var box = new BoundingBox(x0 * inputToImageX, y0 * inputToImageY, (x1 - x0) * inputToImageX, (y1 - y0) * inputToImageY);
            if (box.Width <= 0 || box.Height <= 0) continue;
            detections.Add(new DetectedBox(box, score, c));
        }
        if (NmsIoU >= 1) into.AddRange(detections);
        else Nms(detections, NmsIoU, into);
    }

    /// <summary>The 3×3 max-pool peak test (SAME padding): a cell is kept when it equals its neighbourhood's maximum.</summary>
    private static bool IsPeak(ReadOnlySpan<float> map, int width, int height, int x, int y, float v)
    {
        for (int dy = -1; dy <= 1; dy++)
        for (int dx = -1; dx <= 1; dx++)
        {
            int xx = x + dx, yy = y + dy;
            if ((uint)xx >= (uint)width || (uint)yy >= (uint)height) continue;
            if (map[yy * width + xx] > v) return false;
        }
        return true;
    }

    /// <summary>Greedy class-wise non-maximum suppression by IoU; input sorted by score.</summary>
    public static List<DetectedBox> Nms(List<DetectedBox> sorted, float iou)
    {
        var kept = new List<DetectedBox>();
        Nms(sorted, iou, kept);
        return kept;
    }

    /// <summary><see cref="Nms(List{DetectedBox}, float)"/> appending to <paramref name="kept"/>.</summary>
    private static void Nms(List<DetectedBox> sorted, float iou, List<DetectedBox> kept)
    {
        int first = kept.Count;
        foreach (var d in sorted)
        {
            bool suppressed = false;
            for (int i = first; i < kept.Count && !suppressed; i++) suppressed = kept[i].ClassId == d.ClassId && kept[i].Box.IoU(d.Box) > iou;
            if (!suppressed) kept.Add(d);
        }
    }

    private static float Sigmoid(float v) => 1f / (1f + MathF.Exp(-v));
}
