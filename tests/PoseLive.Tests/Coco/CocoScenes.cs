using PoseLive.Coco;
using PoseLive.Pose;

namespace PoseLive.Tests.Coco;

/// <summary>Hand-built COCO ground truth and detections for evaluator tests.</summary>
internal static class CocoScenes
{
    public static readonly CocoCategory Person = CocoCategory.FromSchema(KeypointSchema.Coco17);

    /// <summary>A person of the given size whose 17 keypoints spread over its box (all visible).</summary>
    public static CocoAnnotation Gt(long id, long imageId, float x, float y, float size, bool crowd = false, int labelled = 17)
    {
        var k = new float[51];
        for (int i = 0; i < 17; i++)
        {
            k[3 * i] = x + size * ((i * 7) % 17) / 16f;
            k[3 * i + 1] = y + size * i / 16f;
            k[3 * i + 2] = i < labelled ? 2 : 0;
        }
        return new CocoAnnotation(id, imageId, 1, k, labelled, new BoundingBox(x, y, size, size), size * size, crowd);
    }

    /// <summary>A detection equal to the GT's keypoints shifted by (dx, dy).</summary>
    public static CocoResult Dt(CocoAnnotation gt, double score, float dx = 0, float dy = 0)
    {
        var k = new float[51];
        for (int i = 0; i < 17; i++) { k[3 * i] = gt.Keypoints[3 * i] + dx; k[3 * i + 1] = gt.Keypoints[3 * i + 1] + dy; k[3 * i + 2] = 0.9f; }
        return new CocoResult(gt.ImageId, 1, k, score);
    }

    /// <summary>A detection far from everything in its image.</summary>
    public static CocoResult Miss(long imageId, double score) => Dt(Gt(0, imageId, 5000, 5000, 100), score);

    public static CocoDataset Dataset(IEnumerable<CocoAnnotation> annotations, params long[] imageIds) =>
        new(imageIds.Select(i => new CocoImage(i, $"{i}.jpg", 640, 480)).ToList(), annotations.ToList(), [Person]);
}
