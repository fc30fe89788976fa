using System.Numerics;
using static PoseLive.Synthetic.HorseBones;

namespace PoseLive.Synthetic;

/// <summary>
/// A horse of one <see cref="HorseShape"/> in rest pose (standing square, facing +x, hooves on y = 0): the joint
/// positions of <see cref="HorseBones"/>, the 18 <see cref="HorseLandmarks"/> (each bound to one bone) and the skin
/// volumes the mesh is polygonised from. Everything is in metres, in the animal's rest frame.
/// </summary>
public sealed class HorseSkeleton
{
    private readonly Vector3[] _joints = new Vector3[Count];
    private readonly List<SkinPrimitive> _skin = [];

    public HorseSkeleton(HorseShape shape)
    {
        Shape = shape;
        float h = (float)shape.WithersHeight, lm = (float)(shape.BodyLength * shape.WithersHeight), g = (float)shape.Girth;
        float e = (float)shape.LegRatio * h;                // elbow height
        float t = (float)shape.NeckThickness, hs = (float)shape.HeadSize;
        Vector3 P(float x, float y, float z = 0) => new(x, y, z);

        // spine
        _joints[Root] = P(0, 0.75f * h);
        _joints[Pelvis] = P(-0.30f * lm, 0.97f * h);
        _joints[Lumbar] = P(-0.10f * lm, 0.95f * h);
        _joints[Thorax] = P(0.08f * lm, 0.965f * h);
        _joints[Withers] = P(0.24f * lm, 0.99f * h);
        var withersTop = P(0.24f * lm, h);

        // neck: base in front of the withers, rising ~48° to the poll
        var neckBase = P(0.40f * lm, 0.80f * h);
        var neckDir = Vector3.Normalize(P(MathF.Cos(48 * MathF.PI / 180), MathF.Sin(48 * MathF.PI / 180)));
        float neck = (float)shape.NeckLength * h;
        _joints[Neck1] = neckBase;
        _joints[Neck2] = neckBase + neckDir * (neck / 3);
        _joints[Neck3] = neckBase + neckDir * (2 * neck / 3);
        var poll = neckBase + neckDir * neck;
        _joints[Head] = poll;
        // head: face line ~62° below horizontal; n points to the face (forward-up), −n to the jaw
        float a = -62 * MathF.PI / 180;
        var d = P(MathF.Cos(a), MathF.Sin(a));
        var n = P(-MathF.Sin(a), MathF.Cos(a));
        float hl = 0.37f * h * hs, hu = h * hs;             // head length; head-relative unit
        _joints[Jaw] = poll + 0.15f * hl * d - 0.05f * hu * n;

        // tail: dock back and down, hair hanging
        float tl = (float)shape.TailLength * h;
        _joints[Tail1] = P(-0.49f * lm, 0.93f * h);
        _joints[Tail2] = _joints[Tail1] + tl * P(-0.16f, -0.14f);
        _joints[Tail3] = _joints[Tail2] + tl * P(-0.05f, -0.30f);
        _joints[Tail4] = _joints[Tail3] + tl * P(0.0f, -0.30f);
        var tailEnd = _joints[Tail4] + tl * P(0.02f, -0.24f);

        // legs; side: −1 = left (−z), +1 = right
        var hooves = new Vector3[4];
        var knees = new Vector3[4];
        var upper = new Vector3[4];
        for (int side = 0; side < 2; side++)
        {
            float s = side == 0 ? -1 : 1;
            int b = side == 0 ? LeftScapula : RightScapula;
            float xf = 0.30f * lm;
            _joints[b] = P(0.16f * lm, 0.92f * h, s * 0.10f * h * g);                 // scapula top
            _joints[b + 1] = P(0.47f * lm, e + 0.14f * h, s * 0.13f * h * g);         // shoulder joint
            _joints[b + 2] = P(xf, e, s * 0.115f * h * g);                             // elbow
            _joints[b + 3] = P(xf, 0.50f * e, s * 0.095f * h);                          // carpus
            _joints[b + 4] = P(xf, 0.20f * e, s * 0.095f * h);                          // fetlock
            _joints[b + 5] = P(xf + 0.05f * h, 0.07f * e, s * 0.095f * h);              // coronet
            hooves[side] = P(xf + 0.065f * h, 0.004f * h, s * 0.095f * h);
            knees[side] = _joints[b + 3];
            upper[side] = _joints[b + 1];

            int f = side == 0 ? LeftFemur : RightFemur;
            float xh = -0.40f * lm;
            _joints[f] = P(-0.30f * lm, e + 0.12f * h, s * 0.12f * h * g);            // hip joint
            _joints[f + 1] = P(-0.20f * lm, e - 0.02f * h, s * 0.16f * h * g);        // stifle
            _joints[f + 2] = P(-0.42f * lm, 0.52f * e, s * 0.10f * h);                 // hock
            _joints[f + 3] = P(xh, 0.20f * e, s * 0.10f * h);                          // fetlock
            _joints[f + 4] = P(xh + 0.04f * h, 0.07f * e, s * 0.10f * h);              // coronet
            hooves[2 + side] = P(xh + 0.055f * h, 0.004f * h, s * 0.10f * h);
            knees[2 + side] = _joints[f + 2];
            upper[2 + side] = _joints[f + 1];
        }

        // ---- landmarks (quadruped18 order), on or just under the skin
        var eye = new Vector3[2];
        for (int side = 0; side < 2; side++)
        {
            float s = side == 0 ? -1 : 1;
            var centre = poll + 0.30f * hl * d + 0.025f * hu * n;
            eye[side] = centre + new Vector3(0, 0, s * 0.062f * hu);
        }
        var chin = poll + 0.85f * hl * d - 0.056f * hu * n;
        var landmarks = new (int Bone, Vector3 Position)[HorseLandmarks.Count];
        landmarks[HorseLandmarks.LeftEye] = (Head, eye[0]);
        landmarks[HorseLandmarks.RightEye] = (Head, eye[1]);
        landmarks[HorseLandmarks.Chin] = (Jaw, chin);
        landmarks[HorseLandmarks.LeftFrontHoof] = (LeftFrontHoof, hooves[0]);
        landmarks[HorseLandmarks.RightFrontHoof] = (RightFrontHoof, hooves[1]);
        landmarks[HorseLandmarks.LeftBackHoof] = (LeftHindHoof, hooves[2]);
        landmarks[HorseLandmarks.RightBackHoof] = (RightHindHoof, hooves[3]);
        for (int side = 0; side < 2; side++)
        {
            float s = side == 0 ? -1 : 1;
            var lateral = new Vector3(0, 0, s);
            landmarks[HorseLandmarks.LeftFrontKnee + side] = (side == 0 ? LeftFrontCannon : RightFrontCannon, knees[side] + lateral * 0.022f * h + P(0.008f * h, 0));
            landmarks[HorseLandmarks.LeftBackKnee + side] = (side == 0 ? LeftHindCannon : RightHindCannon, knees[2 + side] + lateral * 0.022f * h);
            landmarks[HorseLandmarks.LeftShoulder + side] = (side == 0 ? LeftHumerus : RightHumerus, upper[side] + P(0.045f * h, 0.005f * h) + lateral * 0.035f * h);
            int radius = side == 0 ? LeftRadius : RightRadius;
            landmarks[HorseLandmarks.LeftFrontElbow + side] = (radius, _joints[radius] + P(-0.045f * h, 0.012f * h) + lateral * 0.025f * h * g);
            int tibia = side == 0 ? LeftTibia : RightTibia;
            landmarks[HorseLandmarks.LeftBackElbow + side] = (tibia, upper[2 + side] + P(0.035f * h, 0) + lateral * 0.035f * h * g);
        }
        landmarks[HorseLandmarks.Withers] = (Withers, withersTop - P(0, 0.004f * h));
        Landmarks = landmarks;
        Eyes = eye;
        MuzzleTip = poll + 0.99f * hl * d;

        // ---- skin volumes
        float kBody = 0.05f * h, kLimb = 0.025f * h, kSmall = 0.012f * h;
        var up = Vector3.UnitY;
        // trunk: deep chest, barrel, rump, withers crest
        float chestBottom = e - 0.04f * h * g, chestTop = 0.955f * h;
        _skin.Add(SkinPrimitive.Ellipsoid(Thorax, P(0.20f * lm, (chestBottom + chestTop) / 2), Vector3.UnitX, up,
            new Vector3(0.30f * lm, (chestTop - chestBottom) / 2, 0.165f * h * g), kBody));
        float bellyBottom = e - 0.015f * h * g * g, backTop = 0.945f * h;
        _skin.Add(SkinPrimitive.Ellipsoid(Lumbar, P(-0.03f * lm, (bellyBottom + backTop) / 2), Vector3.UnitX, up,
            new Vector3(0.34f * lm, (backTop - bellyBottom) / 2, 0.19f * h * g), kBody));
        _skin.Add(SkinPrimitive.Ellipsoid(Pelvis, P(-0.31f * lm, 0.82f * h), P(1, -0.12f), up, new Vector3(0.22f * lm, 0.16f * h, 0.17f * h * g), kBody));
        _skin.Add(SkinPrimitive.Capsule(Withers, P(0.06f * lm, 0.94f * h), P(0.30f * lm, 0.955f * h), 0.045f * h, 0.045f * h, kBody));
        // neck: three flattened segments and the chest junction, mane along the crest
        float[] depth = [0.15f * h * t, 0.115f * h * t, 0.085f * h * t, 0.07f * h * t];
        var neckUp = Vector3.Normalize(P(-neckDir.Y, neckDir.X));
        for (int i = 0; i < 3; i++)
        {
            var a0 = _joints[Neck1 + i];
            var b0 = i < 2 ? _joints[Neck1 + i + 1] : poll;
            float r = (depth[i] + depth[i + 1]) / 2;
            _skin.Add(SkinPrimitive.Ellipsoid(Neck1 + i, (a0 + b0) / 2, b0 - a0, neckUp, new Vector3(neck / 3 * 0.68f, r, r * 0.62f), kBody));
            _skin.Add(SkinPrimitive.Ellipsoid(Neck1 + i, (a0 + b0) / 2 + neckUp * (r * 0.92f), b0 - a0, neckUp,
                new Vector3(neck / 3 * 0.6f, 0.035f * h, 0.016f * h), kSmall, CoatRegion.Hair));
        }
        _skin.Add(SkinPrimitive.Ellipsoid(Neck1, neckBase + P(-0.02f * h, -0.02f * h), neckDir, neckUp, new Vector3(0.12f * h, 0.15f * h * t, 0.12f * h * t), kBody));
        // head: skull, jowl (on the jaw), muzzle, nostrils, ears, eyes
        _skin.Add(SkinPrimitive.Ellipsoid(Head, poll + 0.25f * hl * d - 0.03f * hu * n, d, n, new Vector3(0.27f * hl, 0.075f * hu, 0.068f * hu), kLimb));
        _skin.Add(SkinPrimitive.Ellipsoid(Jaw, poll + 0.22f * hl * d - 0.085f * hu * n, d, n, new Vector3(0.14f * hl, 0.065f * hu, 0.06f * hu), kLimb));
        _skin.Add(SkinPrimitive.Capsule(Head, poll + 0.45f * hl * d - 0.02f * hu * n, poll + 0.88f * hl * d - 0.012f * hu * n, 0.058f * hu, 0.044f * hu, kLimb));
        _skin.Add(SkinPrimitive.Ellipsoid(Head, poll + 0.93f * hl * d - 0.005f * hu * n, d, n, new Vector3(0.055f * hu, 0.05f * hu, 0.048f * hu), kSmall, CoatRegion.Muzzle));
        _skin.Add(SkinPrimitive.Capsule(Jaw, poll + 0.55f * hl * d - 0.045f * hu * n, chin + 0.01f * hu * n, 0.03f * hu, 0.03f * hu, kSmall, CoatRegion.Muzzle));
        for (int side = 0; side < 2; side++)
        {
            float s = side == 0 ? -1 : 1;
            var earBase = poll + 0.03f * hu * n + new Vector3(0, 0, s * 0.035f * hu);
            var earDir = Vector3.Normalize(-d + 0.45f * n + new Vector3(0, 0, s * 0.3f));
            _skin.Add(SkinPrimitive.Capsule(Head, earBase, earBase + earDir * 0.10f * hu, 0.022f * hu, 0.004f * hu, kSmall * 0.5f));
            _skin.Add(SkinPrimitive.Ellipsoid(Head, eye[side] - new Vector3(0, 0, s * 0.016f * hu), d, n, new Vector3(0.022f * hu, 0.016f * hu, 0.016f * hu), kSmall * 0.4f, CoatRegion.Eye));
        }
        // tail: dock, then a hair volume
        _skin.Add(SkinPrimitive.Capsule(Tail1, _joints[Tail1], _joints[Tail2], 0.045f * h, 0.04f * h, kLimb, CoatRegion.Hair));
        _skin.Add(SkinPrimitive.Ellipsoid(Tail2, (_joints[Tail2] + _joints[Tail3]) / 2, _joints[Tail3] - _joints[Tail2], Vector3.UnitX,
            new Vector3(Vector3.Distance(_joints[Tail2], _joints[Tail3]) * 0.62f, 0.045f * h, 0.03f * h), kLimb, CoatRegion.Hair));
        _skin.Add(SkinPrimitive.Ellipsoid(Tail3, (_joints[Tail3] + _joints[Tail4]) / 2, _joints[Tail4] - _joints[Tail3], Vector3.UnitX,
            new Vector3(Vector3.Distance(_joints[Tail3], _joints[Tail4]) * 0.62f, 0.05f * h, 0.032f * h), kLimb, CoatRegion.Hair));
        _skin.Add(SkinPrimitive.Ellipsoid(Tail4, (_joints[Tail4] + tailEnd) / 2, tailEnd - _joints[Tail4], Vector3.UnitX,
            new Vector3(Vector3.Distance(_joints[Tail4], tailEnd) * 0.6f, 0.04f * h, 0.026f * h), kLimb, CoatRegion.Hair));
        // legs
        for (int side = 0; side < 2; side++)
        {
            int b = side == 0 ? LeftScapula : RightScapula;
            float s = side == 0 ? -1 : 1;
            var lat = new Vector3(0, 0, s);
            _skin.Add(SkinPrimitive.Ellipsoid(b, (_joints[b] + _joints[b + 1]) / 2 + lat * 0.02f * h, _joints[b + 1] - _joints[b], Vector3.UnitX,
                new Vector3(Vector3.Distance(_joints[b], _joints[b + 1]) * 0.55f, 0.08f * h * g, 0.05f * h * g), kBody));
            _skin.Add(SkinPrimitive.Capsule(b + 1, _joints[b + 1], _joints[b + 2], 0.075f * h * g, 0.062f * h * g, kBody));
            _skin.Add(SkinPrimitive.Capsule(b + 2, _joints[b + 2] + P(-0.01f * h, 0), _joints[b + 3] + P(0, 0.03f * h), 0.058f * h * MathF.Sqrt(g), 0.03f * h, kLimb));
            _skin.Add(SkinPrimitive.Ellipsoid(b + 3, _joints[b + 3], Vector3.UnitY, Vector3.UnitX, new Vector3(0.042f * h, 0.036f * h, 0.033f * h), kLimb, CoatRegion.Leg));
            _skin.Add(SkinPrimitive.Capsule(b + 3, _joints[b + 3], _joints[b + 4], 0.026f * h, 0.024f * h, kLimb, CoatRegion.Leg));
            AddLowerLeg(b + 4, b + 5, hooves[side], h, kLimb, kSmall);

            int f = side == 0 ? LeftFemur : RightFemur;
            _skin.Add(SkinPrimitive.Ellipsoid(f, (_joints[f] + _joints[f + 1]) / 2 + P(-0.05f * h, 0) + lat * 0.01f * h, _joints[f + 1] - _joints[f], Vector3.UnitX,
                new Vector3(Vector3.Distance(_joints[f], _joints[f + 1]) * 0.7f, 0.105f * h * g, 0.068f * h * g), kBody));
            _skin.Add(SkinPrimitive.Capsule(f + 1, _joints[f + 1] + P(-0.03f * h, 0), _joints[f + 2] + P(0.005f * h, 0.02f * h), 0.07f * h * g, 0.033f * h, kLimb));
            _skin.Add(SkinPrimitive.Ellipsoid(f + 2, _joints[f + 2] + P(-0.01f * h, 0.005f * h), Vector3.UnitX, Vector3.UnitY, new Vector3(0.045f * h, 0.035f * h, 0.03f * h), kLimb, CoatRegion.Leg));
            _skin.Add(SkinPrimitive.Capsule(f + 2, _joints[f + 2], _joints[f + 3], 0.028f * h, 0.025f * h, kLimb, CoatRegion.Leg));
            AddLowerLeg(f + 3, f + 4, hooves[2 + side], h, kLimb, kSmall);
        }
        Primitives = _skin;
    }

    private void AddLowerLeg(int pastern, int hoof, Vector3 hoofBottom, float h, float kLimb, float kSmall)
    {
        var fetlock = _joints[pastern];
        var coronet = _joints[hoof];
        _skin.Add(SkinPrimitive.Ellipsoid(pastern, fetlock + new Vector3(-0.006f * h, 0, 0), Vector3.UnitX, Vector3.UnitY, new Vector3(0.036f * h, 0.032f * h, 0.03f * h), kSmall, CoatRegion.Leg));
        _skin.Add(SkinPrimitive.Capsule(pastern, fetlock, coronet, 0.024f * h, 0.025f * h, kSmall, CoatRegion.Leg));
        var hoofCentre = new Vector3(hoofBottom.X - 0.004f * h, 0.03f * h, hoofBottom.Z);
        _skin.Add(SkinPrimitive.Capsule(hoof, coronet, hoofCentre, 0.028f * h, 0.03f * h, kSmall * 0.5f, CoatRegion.Hoof));
        _skin.Add(SkinPrimitive.Ellipsoid(hoof, hoofCentre, Vector3.UnitX, Vector3.UnitY, new Vector3(0.044f * h, 0.03f * h, 0.038f * h), kSmall * 0.5f, CoatRegion.Hoof));
    }

    public HorseShape Shape { get; }

    /// <summary>Rest position of each bone's head (its joint).</summary>
    public ReadOnlySpan<Vector3> Joints => _joints;

    /// <summary>The 18 landmarks in quadruped18 order: the bone each moves with and its rest position.</summary>
    public IReadOnlyList<(int Bone, Vector3 Position)> Landmarks { get; }

    /// <summary>The front of the muzzle at rest (moves with the head): grazing keeps it above the ground.</summary>
    public Vector3 MuzzleTip { get; }

    /// <summary>The centres of the eyes (left, right) at rest.</summary>
    public IReadOnlyList<Vector3> Eyes { get; }

    public IReadOnlyList<SkinPrimitive> Primitives { get; }
}
