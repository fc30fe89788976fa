using System.Numerics;
using PoseLive.Pose;
using static PoseLive.Synthetic.HorseBones;

namespace PoseLive.Synthetic;

/// <summary>The gaits and poses the generator draws (`--gaits`).</summary>
public enum Gait { Stand, Walk, Trot, Canter, Gallop, Graze, Turn }

/// <summary>
/// One animal's movement: a gait as a cycle of joint angles over the stride phase — each leg a stance (hoof planted,
/// leg swinging back) and a swing (joints folding, leg swinging forward) at the gait's footfall offsets and duty
/// factor (walk: 4-beat lateral sequence; trot: diagonal pairs; canter: 3-beat; gallop: 4-beat) — plus body, neck and
/// tail motion, and this animal's own noise: fixed offsets per joint and slow wobbles, so a clip stays continuous.
/// </summary>
public sealed class HorseMotion
{
    private readonly Vector3[] _offset = new Vector3[Count];
    private readonly Vector3[] _wobble = new Vector3[Count];
    private readonly float[] _wobblePhase = new float[Count];
    private readonly int _turn, _restingLeg;
    private readonly float _headHeight, _jaw;

    public HorseMotion(Gait gait, Random random)
    {
        Gait = gait;
        float N(double sigma) => (float)(sigma * random.NextGaussian());
        for (int b = 1; b < Count; b++)
        {
            bool leg = b >= LeftScapula;
            bool neck = b is >= Neck1 and <= Head;
            bool tail = b is >= Tail1 and <= Tail4;
            bool spine = b is >= Pelvis and <= Withers;   // the back carries the legs: a degree there moves a hoof by centimetres
            // standing and grazing, all four hooves bear weight: less freedom in the legs than in motion
            double legPitch = gait is Gait.Stand or Gait.Graze ? 1 : 3;
            _offset[b] = new Vector3(N(leg ? legPitch : spine ? 0 : 4), N(neck ? 10 : tail ? 15 : leg ? 1 : 2), N(leg ? 1 : spine ? 0.5 : 2));
            _wobble[b] = new Vector3(neck || tail ? 4 : spine ? 0 : 1, neck ? 6 : tail ? 12 : 0.5f, spine ? 0 : 0.5f);
            _wobblePhase[b] = (float)(random.NextDouble() * Math.Tau);
        }
        _turn = random.NextDouble() < 0.5 ? -1 : 1;
        _restingLeg = gait == Gait.Stand && random.NextDouble() < 0.3 ? (random.NextDouble() < 0.5 ? LeftFemur : RightFemur) : -1;
        _headHeight = N(8);
        _jaw = -(float)(random.NextDouble() * 8);
        (StrideFrequency, Speed) = gait switch
        {
            Gait.Walk => (0.9, 1.6),
            Gait.Trot => (1.35, 3.6),
            Gait.Canter => (1.6, 5.5),
            Gait.Gallop => (2.1, 11.0),
            Gait.Turn => (1.0, 2.0),
            _ => (0.25, 0.0),
        };
    }

    public Gait Gait { get; }

    /// <summary>Strides per second (for stand and graze: the rate of the slow head and tail motion).</summary>
    public double StrideFrequency { get; }

    /// <summary>Forward speed in metres per second.</summary>
    public double Speed { get; }

    /// <summary>Heading change in degrees per second (turning only).</summary>
    public double TurnRate => Gait == Gait.Turn ? _turn * 30.0 : 0;

    /// <summary>The pose at stride phase <paramref name="phase"/> (in strides; only the fraction matters for the legs) and time <paramref name="seconds"/>.</summary>
    public HorsePose At(double phase, double seconds, HorseSkeleton skeleton)
    {
        var pose = new HorsePose();
        var a = pose.Angles;
        float cycle = (float)(phase - Math.Floor(phase));
        float w = (float)(Math.Tau * cycle);
        var (offsets, duty, amp, fold) = Gait switch
        {
            Gait.Walk => (new[] { 0.25, 0.75, 0.0, 0.5 }, 0.62, 15f, 0.55f),
            Gait.Turn => (new[] { 0.25, 0.75, 0.0, 0.5 }, 0.62, 14f, 0.55f),
            Gait.Trot => (new[] { 0.0, 0.5, 0.5, 0.0 }, 0.42, 19f, 0.85f),
            Gait.Canter => (new[] { 0.3, 0.55, 0.0, 0.3 }, 0.38, 22f, 0.95f),   // right lead: LH, then RH + LF, then RF
            Gait.Gallop => (new[] { 0.5, 0.6, 0.0, 0.1 }, 0.28, 28f, 1.1f),
            _ => (null, 1.0, 0f, 0f),
        };
        if (offsets is not null)
            for (int leg = 0; leg < 4; leg++)
                Leg(a, LegRoots[leg], leg < 2, Fraction(cycle - offsets[leg]), duty, amp, fold);   // a leg's cycle starts at its offset

        switch (Gait)
        {
            case Gait.Walk or Gait.Turn:
                a[Neck1].X += 4 * MathF.Sin(2 * w) - 6;
                a[Tail1].Y += 5 * MathF.Sin(w);
                break;
            case Gait.Trot:
                a[Neck1].X += 2 * MathF.Sin(2 * w) - 4;
                a[Tail1].X -= 10;
                break;
            case Gait.Canter:
                a[Pelvis].X += 5 * MathF.Sin(w);
                a[Neck1].X += -6 * MathF.Sin(w + 0.5f) - 8;
                a[Head].X += 8;
                a[Tail1].X -= 15;
                break;
            case Gait.Gallop:
                a[Pelvis].X += 6 * MathF.Sin(w);
                a[Lumbar].X += 4 * MathF.Sin(w + 0.8f);
                a[Neck1].X += 8 * MathF.Sin(w + 1) - 15;
                a[Head].X += 15 - 5 * MathF.Sin(w + 1);
                a[Tail1].X -= 25;
                break;
            case Gait.Graze:
                a[Neck1].X += -55; a[Neck2].X += -35; a[Neck3].X += -10; a[Head].X += 60;
                break;
            case Gait.Stand when _restingLeg >= 0:
                a[_restingLeg + 1].X -= 4; a[_restingLeg + 2].X += 6; a[_restingLeg + 3].X -= 15; a[_restingLeg + 4].X -= 20;   // hip-shot: the toe rests on the ground
                break;
        }
        if (Gait == Gait.Turn)
        {
            foreach (int b in new[] { Lumbar, Thorax, Withers }) a[b].Y += _turn * 6;
            foreach (int b in new[] { Neck1, Neck2, Neck3 }) a[b].Y += _turn * 10;
            a[Head].Y += _turn * 8;
        }
        if (Gait is not Gait.Graze) a[Neck1].X += _headHeight;
        a[Jaw].X += _jaw;
        float t = (float)seconds;
        for (int b = 1; b < Count; b++)
        {
            float s = MathF.Sin((float)(Math.Tau * 0.35) * t + _wobblePhase[b]);
            a[b] += _offset[b] + _wobble[b] * s;
        }
        pose.Clamp();
        if (Gait == Gait.Graze) KeepMuzzleAboveGround(pose, skeleton);
        return pose;
    }

    // raise the neck until the muzzle and the chin are at least 1.5 cm above the ground
    private static void KeepMuzzleAboveGround(HorsePose pose, HorseSkeleton skeleton)
    {
        for (int i = 0; i < 20; i++)
        {
            var posed = new PosedHorse(skeleton, pose);
            float low = MathF.Min(posed.Transform(Head, skeleton.MuzzleTip).Y, posed.Landmarks[HorseLandmarks.Chin].Y);
            if (low >= 0.015f) return;
            pose.Angles[Neck1].X = MathF.Min(pose.Angles[Neck1].X + 4, HorseBones.Limits[Neck1].PitchMax);
            pose.Angles[Neck2].X = MathF.Min(pose.Angles[Neck2].X + 2, HorseBones.Limits[Neck2].PitchMax);
        }
    }

    private static void Leg(Vector3[] a, int root, bool front, double psi, double duty, float amp, float fold)
    {
        float p, f, load;
        if (psi < duty)
        {
            float u = (float)(psi / duty);
            p = amp * (1 - 2 * u);
            f = 0;
            load = MathF.Sin(MathF.PI * u);
        }
        else
        {
            float s = (float)((psi - duty) / (1 - duty));
            float smooth = s * s * (3 - 2 * s);
            p = amp * (2 * smooth - 1);
            f = MathF.Pow(MathF.Sin(MathF.PI * s), 1.2f) * fold;
            load = 0;
        }
        float support = amp / 20;
        if (front)
        {
            a[root].X += 0.7f * p;
            a[root + 1].X += 0.3f * p;
            a[root + 2].X += 50 * f;
            a[root + 3].X += -100 * f;
            a[root + 4].X += -70 * f + 18 * load * support;
            a[root + 5].X += -15 * f;
        }
        else
        {
            a[root].X += p;
            a[root + 1].X += -40 * f;
            a[root + 2].X += 60 * f + 4 * load * support;
            a[root + 3].X += -70 * f + 15 * load * support;
            a[root + 4].X += -15 * f;
        }
    }

    private static double Fraction(double x) => x - Math.Floor(x);
}
