using PoseLive.Pose;

namespace PoseLive.Detection;

/// <summary>A detected object: box in image pixels, confidence and class.</summary>
public readonly record struct DetectedBox(BoundingBox Box, float Score, int ClassId);

/// <summary>Finds people in a frame.</summary>
public interface IPersonDetector : IDisposable
{
    /// <summary>Detections in image pixels of a packed RGB24 frame, best first.</summary>
    IReadOnlyList<DetectedBox> Detect(ReadOnlySpan<byte> rgb, int width, int height, int stride);
}
