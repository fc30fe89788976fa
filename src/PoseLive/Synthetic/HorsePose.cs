using System.Numerics;

namespace PoseLive.Synthetic;

/// <summary>
/// Joint angles of every bone in degrees (x pitch about z, y yaw about y, z roll about x; zero is the rest pose)
/// plus where the animal stands: its ground position and heading (degrees about y, 0 facing +x).
/// </summary>
public sealed class HorsePose
{
    public Vector3[] Angles { get; } = new Vector3[HorseBones.Count];
    public Vector2 Ground { get; set; }
    public float Heading { get; set; }

    /// <summary>Clamps every angle into <see cref="HorseBones.Limits"/>.</summary>
    public HorsePose Clamp()
    {
        for (int b = 0; b < Angles.Length; b++)
        {
            var l = HorseBones.Limits[b];
            var a = Angles[b];
            Angles[b] = new Vector3(Math.Clamp(a.X, l.PitchMin, l.PitchMax), Math.Clamp(a.Y, l.YawMin, l.YawMax), Math.Clamp(a.Z, l.RollMin, l.RollMax));
        }
        return this;
    }

    /// <summary>Whether every angle is inside its limit.</summary>
    public bool WithinLimits()
    {
        for (int b = 0; b < Angles.Length; b++)
        {
            var l = HorseBones.Limits[b];
            var a = Angles[b];
            if (a.X < l.PitchMin || a.X > l.PitchMax || a.Y < l.YawMin || a.Y > l.YawMax || a.Z < l.RollMin || a.Z > l.RollMax) return false;
        }
        return true;
    }
}

/// <summary>
/// Forward kinematics of a <see cref="HorseSkeleton"/> in a <see cref="HorsePose"/>: per-bone skinning matrices (rest
/// world → posed world, row-vector convention as System.Numerics and as the shader reads them), with the animal lowered
/// or raised so its lowest hoof touches the ground plane y = 0, and the posed landmarks.
/// </summary>
public sealed class PosedHorse
{
    public PosedHorse(HorseSkeleton skeleton, HorsePose pose)
    {
        Skeleton = skeleton;
        var joints = skeleton.Joints;
        var world = new Matrix4x4[HorseBones.Count];
        var placement = Matrix4x4.CreateRotationY(pose.Heading * MathF.PI / 180) * Matrix4x4.CreateTranslation(pose.Ground.X, 0, pose.Ground.Y);
        for (int b = 0; b < HorseBones.Count; b++)
        {
            int parent = HorseBones.Parents[b];
            var a = pose.Angles[b] * (MathF.PI / 180);
            var rotation = Matrix4x4.CreateRotationX(a.Z) * Matrix4x4.CreateRotationY(a.Y) * Matrix4x4.CreateRotationZ(a.X);
            world[b] = parent < 0
                ? rotation * Matrix4x4.CreateTranslation(joints[b]) * placement
                : rotation * Matrix4x4.CreateTranslation(joints[b] - joints[parent]) * world[parent];
        }
        var skin = new Matrix4x4[HorseBones.Count];
        for (int b = 0; b < skin.Length; b++) skin[b] = Matrix4x4.CreateTranslation(-joints[b]) * world[b];
        // ground contact: the lowest hoof on y = 0
        float lowest = float.MaxValue;
        foreach (int h in HorseLandmarks.Hooves)
        {
            var (bone, rest) = skeleton.Landmarks[h];
            lowest = MathF.Min(lowest, Vector3.Transform(rest with { Y = 0 }, skin[bone]).Y); // the sole under the landmark
        }
        var lift = Matrix4x4.CreateTranslation(0, -lowest, 0);
        for (int b = 0; b < skin.Length; b++) skin[b] *= lift;
        Skinning = skin;
        var points = new Vector3[HorseLandmarks.Count];
        for (int i = 0; i < points.Length; i++)
        {
            var (bone, rest) = skeleton.Landmarks[i];
            points[i] = Vector3.Transform(rest, skin[bone]);
        }
        Landmarks = points;
    }

    public HorseSkeleton Skeleton { get; }

    /// <summary>Per-bone matrices taking a rest-pose point bound to the bone to its posed world position.</summary>
    public Matrix4x4[] Skinning { get; }

    /// <summary>The 18 landmarks in world space (quadruped18 order).</summary>
    public Vector3[] Landmarks { get; }

    /// <summary>A rest-pose point moved rigidly with <paramref name="bone"/>.</summary>
    public Vector3 Transform(int bone, Vector3 rest) => Vector3.Transform(rest, Skinning[bone]);
}
