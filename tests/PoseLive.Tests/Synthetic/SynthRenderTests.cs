using System.Numerics;
using PoseLive.Synthetic;

namespace PoseLive.Tests.Synthetic;

/// <summary>The labels against what the GPU drew: markers at the landmarks, depth-tested visibility, the silhouette box.</summary>
[Collection("gl")]
public class SynthRenderTests
{
    private const int W = 640, H = 480;

    private static SynthScene Scene(PosedHorse posed, Vector3 eye, Vector3 target) =>
        new() { Camera = new SynthCamera(eye, target, W, H, 90), Skinning = posed.Skinning };

    [Fact]
    public void Every_label_is_within_half_a_pixel_of_its_rendered_markers_centroid()
    {
        var skeleton = new HorseSkeleton(HorseShape.Standard);
        using var renderer = new SynthRenderer(W, H);
        var rgba = new byte[W * H * 4];
        var random = new Random(11);
        var cameras = new (Vector3 Eye, Vector3 Target)[]
        {
            (new(0.4f, 1.2f, 3.5f), new(0.1f, 0.9f, 0)),          // near side view
            (new(-3f, 2.2f, -2.4f), new(0, 0.8f, 0.3f)),          // from behind, above, the left side
            (new(3.2f, 0.3f, 1.1f), new(0.5f, 1.2f, -0.2f)),      // from the front, low, looking up
            (new(1.5f, 4.0f, 0.2f), new(0, 0.6f, 0)),             // nearly from above
        };
        double worst = 0;
        int measured = 0;
        foreach (var (eye, target) in cameras)
        {
            var pose = new HorseMotion(Gait.Trot, random).At(random.NextDouble(), 0, skeleton);
            var posed = new PosedHorse(skeleton, pose);
            var scene = Scene(posed, eye, target);
            for (int i = 0; i < HorseLandmarks.Count; i++)
            {
                var (x, y, d) = scene.Camera.Project(posed.Landmarks[i]);
                if (d <= 0 || x < 5 || y < 5 || x > W - 6 || y > H - 6) continue;   // markers cut by the frame edge have no true centroid
                renderer.RenderMarkers(scene, skeleton, 3.25f, rgba, only: i);
                double sx = 0, sy = 0;
                int n = 0;
                for (int row = 0; row < H; row++)
                    for (int col = 0; col < W; col++)
                        if (rgba[(row * W + col) * 4] == 1) { sx += col; sy += row; n++; }
                Assert.InRange(n, 36, 49);                                          // a 6.5-pixel square: 6 or 7 pixels a side
                double err = Math.Sqrt(Math.Pow(sx / n - x, 2) + Math.Pow(sy / n - y, 2));
                worst = Math.Max(worst, err);
                Assert.True(err <= 0.5, $"landmark {i}: label ({x:F2}, {y:F2}), marker centroid ({sx / n:F2}, {sy / n:F2}), {err:F2} px apart");
                measured++;
            }
        }
        Assert.True(measured >= 50, $"only {measured} landmarks measured");
        Assert.True(worst < 0.4, $"worst error {worst:F3} px");                       // quantisation of the square is ≤ 0.354 px
    }

    [Fact]
    public void In_a_pure_side_view_the_far_side_covered_by_the_body_is_hidden_and_the_near_side_visible()
    {
        var skeleton = new HorseSkeleton(HorseShape.Standard);
        var posed = new PosedHorse(skeleton, new HorsePose());                     // rest: standing square, facing +x
        using var renderer = new SynthRenderer(W, H);
        renderer.Use(HorseMesh.Levels(skeleton));
        var rgba = new byte[W * H * 4];
        var depth = new float[W * H];
        // camera on the animal's right (+z), level with the body, looking straight across it
        var scene = Scene(posed, new Vector3(0.1f, 1.0f, 3.2f), new Vector3(0.1f, 1.0f, 0));
        renderer.Render(scene, rgba, depth);
        var labels = SynthLabels.Compute(posed.Landmarks, scene.Camera, depth, rgba, 0.06f);
        // the far (left) side: eye behind the head, shoulder, elbow and stifle behind the body
        foreach (int hidden in new[] { HorseLandmarks.LeftEye, HorseLandmarks.LeftShoulder, HorseLandmarks.LeftFrontElbow, HorseLandmarks.LeftBackElbow })
            Assert.False(labels.Visible[hidden], $"far-side keypoint {hidden} is marked visible");
        // the near (right) side and the midline withers and chin
        foreach (int seen in new[] { HorseLandmarks.RightEye, HorseLandmarks.RightShoulder, HorseLandmarks.RightFrontElbow, HorseLandmarks.RightBackElbow,
                     HorseLandmarks.RightFrontKnee, HorseLandmarks.RightBackKnee, HorseLandmarks.RightFrontHoof, HorseLandmarks.RightBackHoof, HorseLandmarks.Withers, HorseLandmarks.Chin })
            Assert.True(labels.Visible[seen], $"near-side keypoint {seen} is marked hidden");
        var coco = labels.CocoKeypoints();
        Assert.Equal(0, coco[3 * HorseLandmarks.LeftShoulder + 2]);
        Assert.Equal(2, coco[3 * HorseLandmarks.RightShoulder + 2]);
        // the box is the silhouette's: every visible keypoint inside it, and it is far smaller than the frame
        foreach (int i in Enumerable.Range(0, 18).Where(i => labels.Visible[i]))
            Assert.True(labels.Points[i].X >= labels.Box.X && labels.Points[i].X <= labels.Box.Right && labels.Points[i].Y >= labels.Box.Y && labels.Points[i].Y <= labels.Box.Bottom);
        Assert.InRange(labels.Area, 0.05 * W * H, 0.6 * W * H);
        Assert.True(labels.Area < labels.Box.Width * labels.Box.Height);
    }

    [Fact]
    public void A_landmark_outside_the_frame_is_not_visible()
    {
        var skeleton = new HorseSkeleton(HorseShape.Standard);
        var posed = new PosedHorse(skeleton, new HorsePose());
        using var renderer = new SynthRenderer(W, H);
        renderer.Use(HorseMesh.Levels(skeleton));
        var rgba = new byte[W * H * 4];
        var depth = new float[W * H];
        // close to the head, level with it: the hooves are below the frame
        var head = posed.Landmarks[HorseLandmarks.RightEye];
        var scene = Scene(posed, head + new Vector3(0.2f, 0, 1.2f), head);
        renderer.Render(scene, rgba, depth);
        var labels = SynthLabels.Compute(posed.Landmarks, scene.Camera, depth, rgba, 0.06f);
        foreach (int hoof in HorseLandmarks.Hooves)
        {
            Assert.True(labels.Points[hoof].Y > H, $"hoof {hoof} at y {labels.Points[hoof].Y:F0} is in the frame");
            Assert.False(labels.Visible[hoof]);
        }
        Assert.True(labels.Visible[HorseLandmarks.RightEye]);
    }
}
