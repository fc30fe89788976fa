using PoseLive.Pose;

namespace PoseLive.Detection;

/// <summary>A detected object: box in image pixels, confidence and class.</summary>
public readonly record struct DetectedBox(BoundingBox Box, float Score, int ClassId);

/// <summary>Finds people in a frame.</summary>
public interface IPersonDetector : IDisposable
{
    /// <summary>Detections in image pixels of a packed RGB24 frame, best first.</summary>
    IReadOnlyList<DetectedBox> Detect(ReadOnlySpan<byte> rgb, int width, int height, int stride);

    /// <summary>
    /// <see cref="Detect(ReadOnlySpan{byte}, int, int, int)"/> into <paramref name="into"/> (cleared first): the live path's
    /// form, which allocates nothing once the lists have grown (where the detector implements it; this default copies).
    /// </summary>
    void Detect(ReadOnlySpan<byte> rgb, int width, int height, int stride, List<DetectedBox> into)
    {
        into.Clear();
        into.AddRange(Detect(rgb, width, height, stride));
    }
}
