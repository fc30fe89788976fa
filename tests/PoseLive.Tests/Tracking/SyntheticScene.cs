using PoseLive.Estimation;
using PoseLive.Pose;

namespace PoseLive.Tests.Tracking;

/// <summary>Generated people with known identities: keypoint trajectories with noise, crossings, occlusions, re-entries.</summary>
internal sealed class SyntheticScene(int seed, double noise = 2.0)
{
    private readonly Random _rng = new(seed);

    /// <summary>One walker: position (box top-left) over time, box height, visible or not at a frame.</summary>
    public sealed record Walker(int Id, Func<int, (double X, double Y)> Position, double Height, Func<int, bool> Visible);

    private double Gauss() => Math.Sqrt(-2 * Math.Log(1 - _rng.NextDouble())) * Math.Cos(2 * Math.PI * _rng.NextDouble());

    /// <summary>A person of height h with its 17 keypoints laid out like a standing human, with noise.</summary>
    public PersonPose Pose(double x, double y, double h)
    {
        (double U, double V)[] layout = [(0.5, 0.06), (0.53, 0.04), (0.47, 0.04), (0.56, 0.05), (0.44, 0.05), (0.65, 0.2), (0.35, 0.2), (0.7, 0.37),
            (0.3, 0.37), (0.72, 0.52), (0.28, 0.52), (0.6, 0.53), (0.4, 0.53), (0.6, 0.75), (0.4, 0.75), (0.6, 0.97), (0.4, 0.97)];
        double w = h * 0.4;
        var kps = layout.Select(l => new Keypoint((float)(x + l.U * w + noise * Gauss()), (float)(y + l.V * h + noise * Gauss()), 0.9f)).ToArray();
        return new PersonPose(kps, new BoundingBox((float)x, (float)y, (float)w, (float)h), 0.9f, 0.8f);
    }

    /// <summary>Frame f's poses and which walker each came from.</summary>
    public (List<PersonPose> Poses, Dictionary<PersonPose, int> Truth) Frame(IEnumerable<Walker> walkers, int f)
    {
        var poses = new List<PersonPose>();
        var truth = new Dictionary<PersonPose, int>();
        foreach (var w in walkers.Where(w => w.Visible(f)))
        {
            var (x, y) = w.Position(f);
            var p = Pose(x, y, w.Height);
            poses.Add(p);
            truth[p] = w.Id;
        }
        return (poses, truth);
    }
}
