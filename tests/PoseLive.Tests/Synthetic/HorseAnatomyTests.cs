using System.Numerics;
using PoseLive.Synthetic;

namespace PoseLive.Tests.Synthetic;

public class HorseAnatomyTests
{
    private static IEnumerable<(HorseSkeleton Skeleton, Gait Gait, PosedHorse Posed, HorsePose Pose)> Animals(int count, params Gait[] gaits)
    {
        var random = new Random(7);
        foreach (var distribution in Enum.GetValues<ShapeDistribution>())
            for (int i = 0; i < count; i++)
            {
                var skeleton = new HorseSkeleton(HorseShape.Sample(random, distribution));
                foreach (var gait in gaits)
                {
                    var motion = new HorseMotion(gait, random);
                    var pose = motion.At(random.NextDouble() * 3, random.NextDouble() * 4, skeleton);
                    yield return (skeleton, gait, new PosedHorse(skeleton, pose), pose);
                }
            }
    }

    [Fact]
    public void Standing_hooves_are_the_lowest_keypoints_and_touch_the_ground()
    {
        int n = 0;
        foreach (var (skeleton, _, posed, _) in Animals(20, Gait.Stand))
        {
            var k = posed.Landmarks;
            float h = (float)skeleton.Shape.WithersHeight;
            var hooves = HorseLandmarks.Hooves.Select(i => k[i].Y).ToArray();
            float highestHoof = hooves.Max();
            for (int i = 0; i < k.Length; i++)
                if (!HorseLandmarks.Hooves.Contains(i)) Assert.True(k[i].Y > highestHoof, $"keypoint {i} at {k[i].Y:F3} m is not above the hooves ({highestHoof:F3} m)");
            // the lowest sole is on y = 0; the landmark (bottom centre) sits 0.4 % of the height above its sole
            Assert.InRange(hooves.Min(), 0.003f * h, 0.005f * h);
            // standing square: every hoof within a few cm of the ground (a resting hind leg stands on its toe)
            Assert.All(hooves, y => Assert.InRange(y, 0, 0.05f * h));
            n++;
        }
        Assert.Equal(60, n);
    }

    [Fact]
    public void Eyes_are_above_the_chin_and_the_withers_is_the_top_of_the_shoulders_in_every_gait()
    {
        foreach (var (skeleton, gait, posed, _) in Animals(6, Enum.GetValues<Gait>()))
        {
            var k = posed.Landmarks;
            Assert.True(k[HorseLandmarks.LeftEye].Y > k[HorseLandmarks.Chin].Y, $"{gait}: left eye below the chin");
            Assert.True(k[HorseLandmarks.RightEye].Y > k[HorseLandmarks.Chin].Y, $"{gait}: right eye below the chin");
            foreach (int s in new[] { HorseLandmarks.LeftShoulder, HorseLandmarks.RightShoulder })
                Assert.True(k[HorseLandmarks.Withers].Y > k[s].Y, $"{gait}: the withers below a shoulder");
            // the muzzle and the chin never go through the ground (grazing)
            Assert.True(k[HorseLandmarks.Chin].Y > 0.01f, $"{gait}: chin at {k[HorseLandmarks.Chin].Y:F3} m");
        }
    }

    [Fact]
    public void Left_keypoints_are_on_the_animals_left()
    {
        foreach (var (skeleton, gait, posed, _) in Animals(6, Enum.GetValues<Gait>()))
        {
            var k = posed.Landmarks;
            // limbs: in the body's frame (thorax for the forelimbs, pelvis for the hind limbs) left is −z
            Matrix4x4.Invert(posed.Skinning[HorseBones.Thorax], out var thorax);
            Matrix4x4.Invert(posed.Skinning[HorseBones.Pelvis], out var pelvis);
            foreach (var (left, hind) in new[] { (HorseLandmarks.LeftFrontHoof, false), (HorseLandmarks.LeftFrontKnee, false), (HorseLandmarks.LeftShoulder, false),
                         (HorseLandmarks.LeftFrontElbow, false), (HorseLandmarks.LeftBackHoof, true), (HorseLandmarks.LeftBackKnee, true), (HorseLandmarks.LeftBackElbow, true) })
            {
                var frame = hind ? pelvis : thorax;
                float zl = Vector3.Transform(k[left], frame).Z, zr = Vector3.Transform(k[left + 1], frame).Z;
                Assert.True(zl < 0 && zr > 0, $"{gait}: keypoint {left} at z {zl:F3}, its right twin at {zr:F3}");
                Assert.Equal(-1, HorseLandmarks.Side(left));
                Assert.Equal(1, HorseLandmarks.Side(left + 1));
            }
            // eyes: the left eye lies along the head's own left (its −z axis as posed)
            var lateral = Vector3.TransformNormal(-Vector3.UnitZ, posed.Skinning[HorseBones.Head]);
            Assert.True(Vector3.Dot(k[HorseLandmarks.LeftEye] - k[HorseLandmarks.RightEye], lateral) > 0.05f, $"{gait}: eyes swapped");
        }
    }

    [Fact]
    public void Every_pose_keeps_its_joints_inside_their_limits_and_the_hooves_below_the_body()
    {
        foreach (var (skeleton, gait, posed, pose) in Animals(6, Enum.GetValues<Gait>()))
        {
            Assert.True(pose.WithinLimits(), $"{gait}: a joint outside its limit");
            var k = posed.Landmarks;
            // no leg through the body: each hoof stays below its elbow/stifle and its knee below the shoulder/withers line
            Assert.True(k[HorseLandmarks.LeftFrontHoof].Y < k[HorseLandmarks.LeftFrontElbow].Y, $"{gait}: front hoof above the elbow");
            Assert.True(k[HorseLandmarks.RightBackHoof].Y < k[HorseLandmarks.RightBackElbow].Y, $"{gait}: hind hoof above the stifle");
            Assert.True(k[HorseLandmarks.LeftFrontKnee].Y < k[HorseLandmarks.Withers].Y);
        }
        // the carpus only folds backward, the hock only forward
        var limits = HorseBones.Limits;
        Assert.True(limits[HorseBones.LeftFrontCannon].PitchMax <= 5 && limits[HorseBones.LeftFrontCannon].PitchMin <= -90);
        Assert.True(limits[HorseBones.LeftHindCannon].PitchMin >= -5 && limits[HorseBones.LeftHindCannon].PitchMax >= 90);
    }

    [Fact]
    public void Gaits_move_their_legs_in_the_documented_order()
    {
        var skeleton = new HorseSkeleton(HorseShape.Standard);
        // a leg's swing is when its distal joint folds (carpus back, hock forward): find where in the stride it folds most
        double Peak(Gait gait, int hoof)
        {
            var motion = new HorseMotion(gait, new Random(3));
            int joint = hoof switch
            {
                HorseLandmarks.LeftFrontHoof => HorseBones.LeftFrontCannon, HorseLandmarks.RightFrontHoof => HorseBones.RightFrontCannon,
                HorseLandmarks.LeftBackHoof => HorseBones.LeftHindCannon, _ => HorseBones.RightHindCannon,
            };
            double best = double.MinValue, at = 0;
            for (int s = 0; s < 200; s++)
            {
                double phase = s / 200.0;
                var a = motion.At(phase, 0, skeleton).Angles[joint].X;
                double fold = joint is HorseBones.LeftFrontCannon or HorseBones.RightFrontCannon ? -a : a;
                if (fold > best) { best = fold; at = phase; }
            }
            return at;
        }
        double Lag(double a, double b) => ((b - a) % 1 + 1) % 1;
        int lf = HorseLandmarks.LeftFrontHoof, rf = HorseLandmarks.RightFrontHoof, lh = HorseLandmarks.LeftBackHoof, rh = HorseLandmarks.RightBackHoof;
        // walk: lateral sequence LH → LF → RH → RF, a quarter stride apart
        Assert.InRange(Lag(Peak(Gait.Walk, lh), Peak(Gait.Walk, lf)), 0.2, 0.3);
        Assert.InRange(Lag(Peak(Gait.Walk, lh), Peak(Gait.Walk, rh)), 0.45, 0.55);
        Assert.InRange(Lag(Peak(Gait.Walk, lh), Peak(Gait.Walk, rf)), 0.7, 0.8);
        // trot: diagonal pairs together, half a stride apart
        Assert.InRange(Math.Min(Lag(Peak(Gait.Trot, lf), Peak(Gait.Trot, rh)), Lag(Peak(Gait.Trot, rh), Peak(Gait.Trot, lf))), 0, 0.03);
        Assert.InRange(Lag(Peak(Gait.Trot, lf), Peak(Gait.Trot, rf)), 0.45, 0.55);
        // canter: three beats — LH, then RH with LF together, then RF
        double c0 = Peak(Gait.Canter, lh);
        Assert.InRange(Math.Abs(Lag(c0, Peak(Gait.Canter, rh)) - Lag(c0, Peak(Gait.Canter, lf))), 0, 0.03);
        Assert.True(Lag(c0, Peak(Gait.Canter, rf)) > Lag(c0, Peak(Gait.Canter, lf)) + 0.15);
    }
}
