using PoseLive.Interop.OpenCv;

namespace PoseLive.Training.Adaptation;

/// <summary>
/// CC-SSL's temporal check between consecutive frames of a clip: the previous frame's pseudo-label keypoints are carried
/// into this frame by Lucas–Kanade flow (15×15 window, 2 levels); a flow that lost the point or moved it more than
/// <see cref="MaxMove"/> pixels gives no evidence (confidence 0); otherwise, when this frame's confidence over the flowed
/// point's is below <see cref="Decay"/>, the keypoint becomes the flowed point with the previous confidence ×
/// <see cref="Decay"/>.
/// </summary>
public sealed record TemporalConsistency(double MaxMove = 15, double Decay = 0.9, int Window = 15, int Levels = 2)
{
    /// <summary>The rule for one keypoint, given where the flow took the previous one and whether it is usable.</summary>
    public (float X, float Y, float Confidence, bool Replaced) Decide(float x, float y, float confidence, float flowX, float flowY, float previousConfidence,
        float previousX, float previousY, bool found)
    {
        double moved = Math.Sqrt((flowX - previousX) * (flowX - previousX) + (flowY - previousY) * (flowY - previousY));
        float flowConfidence = found && moved <= MaxMove ? previousConfidence : 0;
        if (flowConfidence > 0 && confidence / flowConfidence < Decay)
            return (flowX, flowY, (float)(flowConfidence * Decay), true);
        return (x, y, confidence, false);
    }

    /// <summary>
    /// Applies the check to every keypoint of one animal: <paramref name="previousFrame"/>/<paramref name="frame"/> are
    /// grey images (W×H), the keypoints in those images' pixels. Writes the result into <paramref name="points"/> and
    /// <paramref name="confidences"/> and returns how many keypoints the flow replaced.
    /// </summary>
    public int Apply(ReadOnlySpan<byte> previousFrame, ReadOnlySpan<byte> frame, int width, int height,
        ReadOnlySpan<(float X, float Y)> previousPoints, ReadOnlySpan<float> previousConfidences, Span<(float X, float Y)> points, Span<float> confidences)
    {
        var flowed = OpenCvFlow.Track(previousFrame, frame, width, height, previousPoints, Window, Levels);
        int replaced = 0;
        for (int k = 0; k < points.Length; k++)
        {
            var (px, py) = previousPoints[k];
            var (fx, fy, found) = flowed[k];
            var d = Decide(points[k].X, points[k].Y, confidences[k], fx, fy, previousConfidences[k], px, py, found && float.IsFinite(fx) && float.IsFinite(fy));
            points[k] = (d.X, d.Y);
            confidences[k] = d.Confidence;
            if (d.Replaced) replaced++;
        }
        return replaced;
    }
}
