using PoseLive.Pose;

namespace PoseLive.Pose.Codecs;

/// <summary>
/// MoveNet single-pose decoding from its raw heads (NCHW, H×W cells): the person centre is the argmax
/// of the (centre-weighted) centre map; each keypoint's regressed position r = centre + regression;
/// the keypoint heatmap is divided by (distance to r + 1.8) and its argmax refined by the offset head;
/// score = the raw heatmap value there. Returns keypoints in input pixels (normalised × input size).
/// </summary>
public static class MoveNetDecoder
{
    public const float DistanceOffset = 1.8f;

    public static void Decode(ReadOnlySpan<float> heatmaps, ReadOnlySpan<float> centers, ReadOnlySpan<float> regression, ReadOnlySpan<float> offsets,
        int keypoints, int cells, int inputWidth, int inputHeight, Span<Keypoint> result)
    {
        int plane = cells * cells;
        if (heatmaps.Length < keypoints * plane || centers.Length < plane || regression.Length < 2 * keypoints * plane || offsets.Length < 2 * keypoints * plane)
            throw new ArgumentException($"MoveNet heads are smaller than {keypoints} keypoints on {cells}x{cells} cells.");
        var (cx, cy, _) = HeatmapMath.Argmax(centers[..plane], cells);
        int c = cy * cells + cx;
        for (int k = 0; k < keypoints; k++)
        {
            float ry = cy + regression[(2 * k) * plane + c], rx = cx + regression[(2 * k + 1) * plane + c];
            var heat = heatmaps.Slice(k * plane, plane);
            int best = 0;
            float bestValue = float.NegativeInfinity;
            for (int y = 0; y < cells; y++)
            for (int x = 0; x < cells; x++)
            {
                float d = MathF.Sqrt((y - ry) * (y - ry) + (x - rx) * (x - rx));
                float v = heat[y * cells + x] / (d + DistanceOffset);
                if (v > bestValue) { bestValue = v; best = y * cells + x; }
            }
            int ky = best / cells, kx = best % cells;
            float yNorm = (ky + offsets[(2 * k) * plane + best]) / cells;
            float xNorm = (kx + offsets[(2 * k + 1) * plane + best]) / cells;
            result[k] = new Keypoint(xNorm * inputWidth, yNorm * inputHeight, heat[best]);
        }
    }
}
