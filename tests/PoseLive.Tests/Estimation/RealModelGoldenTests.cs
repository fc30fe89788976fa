using PoseLive.Detection;
using PoseLive.Estimation;
using PoseLive.Inference;
using PoseLive.Media;
using PoseLive.Pose;
using PoseLive.Tests.TestSupport;

namespace PoseLive.Tests.Estimation;

/// <summary>
/// The real pretrained models (CenterNet + MoveNet Thunder, converted from TF.js by setup) on the real
/// sample footage. Golden values come from runs whose overlays were checked by eye (skeletons on
/// Messi, the basketball players and the vtest.avi pedestrians); tolerances cover CPU float differences.
/// </summary>
public class RealModelGoldenTests
{
    private static IReadOnlyList<PersonPose> Run(VideoFrame frame, string model = "movenet-thunder")
    {
        var (detCard, detPath) = RealModels.Get("centernet");
        var (poseCard, posePath) = RealModels.Get(model);
        var options = new InferenceOptions { IntraOpThreads = 1 };
        using var detector = new CenterNetDetector(detCard, detPath, options);
        using var estimator = PoseEstimators.Create(poseCard, posePath, options);
        var persons = detector.Detect(frame.Plane(0), frame.Width, frame.Height, frame.Stride);
        return estimator.Estimate(frame.Plane(0), frame.Width, frame.Height, frame.Stride, persons);
    }

    private static VideoFrame Image(string name)
    {
        using var source = VideoSource.Open(MediaFiles.Sample(name));
        return source.ReadFrame()!;
    }

    private static void AssertPose(PersonPose person, (float X, float Y)[] golden, float tolerance)
    {
        for (int i = 0; i < golden.Length; i++)
        {
            var k = person.Keypoints[i];
            Assert.True(Math.Abs(k.X - golden[i].X) <= tolerance && Math.Abs(k.Y - golden[i].Y) <= tolerance,
                $"{KeypointSchema.Coco17.Keypoints[i]}: ({k.X:F1}, {k.Y:F1}) vs golden ({golden[i].X}, {golden[i].Y})");
        }
    }

    [Fact]
    public void Messi_is_found_with_all_seventeen_keypoints_where_they_were_verified()
    {
        using var frame = Image("messi5.jpg");
        var people = Run(frame);
        var messi = people[0];
        Assert.InRange(messi.Box.X, 83.3f, 85.3f);
        Assert.InRange(messi.Box.Width, 367.6f, 369.6f);
        Assert.True(messi.BoxScore > 0.5f);
        Assert.All(messi.Keypoints, k => Assert.True(k.Score >= 0.3f));
        AssertPose(messi, [(246.2f, 117.0f), (250.7f, 108.1f), (237.3f, 109.1f), (254.0f, 103.4f), (220.1f, 108.3f), (272.5f, 121.9f), (197.3f, 128.2f),
            (308.9f, 145.8f), (149.7f, 123.5f), (349.0f, 165.1f), (101.6f, 103.6f), (283.6f, 225.6f), (246.9f, 244.9f), (346.7f, 251.5f),
            (236.3f, 285.9f), (416.8f, 265.0f), (291.7f, 322.3f)], 2f);
        // right wrist far left of the body, left ankle far right: the kick pose
        Assert.True(messi.Keypoints[10].X < messi.Keypoints[6].X - 80 && messi.Keypoints[15].X > messi.Keypoints[11].X + 100);
    }

    [Fact]
    public void Basketball_player_stands_upright_with_golden_keypoints()
    {
        using var frame = Image("basketball1.png");
        var people = Run(frame);
        Assert.Equal(2, people.Count);
        var player = people[0];
        AssertPose(player, [(96.6f, 114.5f), (98.9f, 106.8f), (86.3f, 107.8f), (94.3f, 111.0f), (67.8f, 113.9f), (115.7f, 158.3f), (49.3f, 155.8f),
            (143.4f, 218.3f), (92.8f, 206.4f), (149.3f, 162.5f), (131.8f, 157.5f), (112.6f, 278.2f), (69.8f, 282.3f), (119.1f, 375.9f),
            (65.0f, 381.2f), (116.1f, 443.0f), (61.8f, 463.5f)], 2f);
        // nose above shoulders above hips above knees above ankles
        float[] ys = [player.Keypoints[0].Y, player.Keypoints[5].Y, player.Keypoints[11].Y, player.Keypoints[13].Y, player.Keypoints[15].Y];
        Assert.Equal(ys.Order().ToArray(), ys);
    }

    [Fact]
    public void Vtest_frame_200_has_the_seven_pedestrians()
    {
        using var source = VideoSource.Open(MediaFiles.Sample("vtest.avi"));
        source.Seek(TimeSpan.FromSeconds(20));
        using var frame = source.ReadFrame()!;
        Assert.Equal(200, frame.Index);
        var people = Run(frame);
        var walkers = people.Where(p => p.Score > 0.2f).ToList();
        Assert.Equal(7, walkers.Count);
        Assert.All(walkers, p => Assert.InRange(p.Box.Height / p.Box.Width, 1.5f, 4f)); // upright people
        var nearest = people[0];
        Assert.InRange(nearest.Box.X, 702.5f, 704.5f);
        AssertPose(nearest, [(729.6f, 265.1f), (730.9f, 262.6f), (727.5f, 262.7f), (730.4f, 262.4f), (722.6f, 262.3f), (734.1f, 270.7f), (714.6f, 272.9f),
            (737.7f, 286.2f), (710.0f, 290.1f), (740.3f, 298.7f), (708.3f, 305.3f), (730.0f, 303.1f), (719.1f, 303.6f), (725.7f, 321.1f),
            (723.7f, 322.1f), (714.6f, 329.8f), (723.2f, 347.0f)], 2f);
    }

    [Fact]
    public void Lightning_agrees_with_thunder_on_the_clear_pose()
    {
        using var frame = Image("basketball1.png");
        var thunder = Run(frame)[0];
        var lightning = Run(frame, "movenet-lightning")[0];
        double meanDistance = thunder.Keypoints.Zip(lightning.Keypoints, (a, b) => Math.Sqrt((a.X - b.X) * (a.X - b.X) + (a.Y - b.Y) * (a.Y - b.Y))).Average();
        Assert.True(meanDistance < 12, $"mean distance {meanDistance:F1} px between the two MoveNets");
    }

    [Fact]
    public void Batching_four_crops_equals_four_single_runs()
    {
        using var frame = Image("basketball1.png");
        var (poseCard, posePath) = RealModels.Get("movenet-lightning");
        using var estimator = PoseEstimators.Create(poseCard, posePath);
        var boxes = new[] { new BoundingBox(26, 78, 147, 394), new BoundingBox(488, 14, 153, 459), new BoundingBox(200, 100, 120, 300), new BoundingBox(30, 70, 150, 400) }
            .Select(b => new PoseLive.Detection.DetectedBox(b, 0.9f, 0)).ToList();
        var batched = estimator.Estimate(frame.Plane(0), frame.Width, frame.Height, frame.Stride, boxes);
        for (int i = 0; i < boxes.Count; i++)
        {
            var single = estimator.Estimate(frame.Plane(0), frame.Width, frame.Height, frame.Stride, [boxes[i]])[0];
            for (int k = 0; k < 17; k++)
            {
                Assert.Equal(single.Keypoints[k].X, batched[i].Keypoints[k].X, 2);
                Assert.Equal(single.Keypoints[k].Score, batched[i].Keypoints[k].Score, 4);
            }
        }
    }
}
