using PoseLive.Pose;

namespace PoseLive.Coco;

/// <summary>
/// A COCO image. For video annotation, file_name is "video#frame" and the frame index and timestamp are kept; images
/// that are frames of a clip (synthetic clips, PoseTrack-style) carry the clip's id as video_id.
/// </summary>
public sealed record CocoImage(long Id, string FileName, int Width, int Height)
{
    public long? VideoId { get; init; }
    public long? FrameIndex { get; init; }
    public double? Timestamp { get; init; }
}

/// <summary>
/// A COCO keypoint ground-truth annotation: keypoints as (x, y, v) triplets, v ∈ {0 unlabelled,
/// 1 occluded, 2 visible}; area is the annotation's (segment) area, which OKS uses.
/// </summary>
public sealed record CocoAnnotation(long Id, long ImageId, int CategoryId, float[] Keypoints, int NumKeypoints, BoundingBox Box, double Area, bool IsCrowd)
{
    public long? TrackId { get; init; }
    /// <summary>For machine annotations: the instance score.</summary>
    public double? Score { get; init; }
    /// <summary>For machine annotations: per-keypoint confidences (the triplets carry visibility).</summary>
    public float[]? KeypointScores { get; init; }
    /// <summary>For synthetic annotations: every keypoint's projection (x, y, depth in metres), hidden ones included.</summary>
    public float[]? ProjectedKeypoints { get; init; }
}

/// <summary>A COCO category with its keypoint names and (1-based) skeleton.</summary>
public sealed record CocoCategory(int Id, string Name, string[] Keypoints, int[][] Skeleton, string Supercategory = "")
{
    public static CocoCategory FromSchema(KeypointSchema schema, int id = 1, string name = "person") =>
        new(id, name, schema.Keypoints, schema.ToCocoSkeleton(), name);
}

/// <summary>A keypoint detection result: (x, y, score) triplets and an instance score; trackers add a track id.</summary>
public sealed record CocoResult(long ImageId, int CategoryId, float[] Keypoints, double Score)
{
    public long? TrackId { get; init; }
    public BoundingBox? Box { get; init; }
}

/// <summary>A COCO keypoint ground-truth dataset.</summary>
public sealed class CocoDataset(IReadOnlyList<CocoImage> images, IReadOnlyList<CocoAnnotation> annotations, IReadOnlyList<CocoCategory> categories)
{
    public IReadOnlyList<CocoImage> Images { get; } = images;
    public IReadOnlyList<CocoAnnotation> Annotations { get; } = annotations;
    public IReadOnlyList<CocoCategory> Categories { get; } = categories;
}

/// <summary>A COCO file is malformed or inconsistent; the message names the file and the offending element.</summary>
public sealed class CocoFormatException(string message) : Exception(message);
