using PoseLive.Detection;
using PoseLive.Estimation;
using PoseLive.Inference;
using PoseLive.Media;
using PoseLive.Tests.TestSupport;

namespace PoseLive.Tests.Estimation;

/// <summary>
/// The real detector and pose net in their live forms (results into reused storage) on a real frame: the same boxes and
/// poses as the allocating forms, and no managed allocation per call once warm.
/// </summary>
public class ReusedStorageTests
{
    private static VideoFrame Image(string name)
    {
        using var source = VideoSource.Open(MediaFiles.Sample(name));
        return source.ReadFrame()!;
    }

    [Fact]
    public void Detector_and_pose_net_into_reused_storage_equal_the_allocating_forms_and_allocate_nothing()
    {
        using var frame = Image("basketball1.png");
        var (detCard, detPath) = RealModels.Get("centernet");
        var (poseCard, posePath) = RealModels.Get("movenet-lightning");
        var options = new InferenceOptions { IntraOpThreads = 1 };
        using var detector = new CenterNetDetector(detCard, detPath, options);
        using var estimator = PoseEstimators.Create(poseCard, posePath, options);
        estimator.CaptureHeatmaps = true;                                  // the window's form, with heatmaps
        var rgb = frame.Plane(0);

        var expectedBoxes = detector.Detect(rgb, frame.Width, frame.Height, frame.Stride);
        var boxes = new List<DetectedBox>();
        detector.Detect(rgb, frame.Width, frame.Height, frame.Stride, boxes);
        Assert.True(expectedBoxes.Count >= 2, $"{expectedBoxes.Count} people found");
        Assert.Equal(expectedBoxes, boxes);

        var expected = estimator.Estimate(rgb, frame.Width, frame.Height, frame.Stride, boxes);
        var poses = new PoseBuffer();
        estimator.Estimate(rgb, frame.Width, frame.Height, frame.Stride, boxes, poses);
        Assert.Equal(expected.Count, poses.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Keypoints, poses.Poses[i].Keypoints);
            Assert.Equal((expected[i].Box, expected[i].BoxScore, expected[i].Score), (poses.Poses[i].Box, poses.Poses[i].BoxScore, poses.Poses[i].Score));
            Assert.Equal(expected[i].Heatmap!.Values, poses.Poses[i].Heatmap!.Values);
            Assert.Equal(expected[i].Heatmap!.InputToImage, poses.Poses[i].Heatmap!.InputToImage);
        }

        for (int i = 0; i < 3; i++)                                          // warm: every buffer at its size
        {
            detector.Detect(rgb, frame.Width, frame.Height, frame.Stride, boxes);
            estimator.Estimate(rgb, frame.Width, frame.Height, frame.Stride, boxes, poses);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++)
        {
            detector.Detect(rgb, frame.Width, frame.Height, frame.Stride, boxes);
            estimator.Estimate(rgb, frame.Width, frame.Height, frame.Stride, boxes, poses);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
