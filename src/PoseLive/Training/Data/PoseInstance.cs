using PoseLive.Pose;

namespace PoseLive.Training.Data;

/// <summary>
/// Where an image's pixels come from: a still file, or frame <see cref="FrameIndex"/> of a video (the
/// `video#frame` file names `poselive annotate` writes). <see cref="Timestamp"/> is the frame's media time in
/// seconds when the dataset records it (seeking uses it).
/// </summary>
public readonly record struct ImageRef(string Path, long FrameIndex = -1, double? Timestamp = null)
{
    public bool IsVideoFrame => FrameIndex >= 0;

    public override string ToString() => IsVideoFrame ? $"{Path}#{FrameIndex}" : Path;
}

/// <summary>
/// One annotated instance of a keypoint dataset: the image it is in, its box, its keypoints as COCO (x, y, v)
/// triplets (v = 0 unlabelled) and the ids that tie it back to the ground truth it came from.
/// </summary>
public sealed record PoseInstance(ImageRef Image, long ImageId, long AnnotationId, BoundingBox Box, float[] Keypoints, double Area)
{
    public int KeypointCount => Keypoints.Length / 3;

    /// <summary>Labelled keypoints (v &gt; 0).</summary>
    public int Labelled
    {
        get
        {
            int n = 0;
            for (int i = 2; i < Keypoints.Length; i += 3) if (Keypoints[i] > 0) n++;
            return n;
        }
    }
}
