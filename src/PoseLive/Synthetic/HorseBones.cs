namespace PoseLive.Synthetic;

/// <summary>
/// The bones of the parametric horse, in parent-before-child order. A bone's head is the joint it rotates about;
/// its frame is world-aligned at rest (x forward, y up, z to the animal's right; left = up × forward = −z).
/// </summary>
public static class HorseBones
{
    public const int Root = 0, Pelvis = 1, Lumbar = 2, Thorax = 3, Withers = 4, Neck1 = 5, Neck2 = 6, Neck3 = 7, Head = 8, Jaw = 9,
        Tail1 = 10, Tail2 = 11, Tail3 = 12, Tail4 = 13;

    /// <summary>Front legs: scapula, humerus (shoulder joint), radius (elbow), cannon (carpus), pastern (fetlock), hoof (coffin).</summary>
    public const int LeftScapula = 14, LeftHumerus = 15, LeftRadius = 16, LeftFrontCannon = 17, LeftFrontPastern = 18, LeftFrontHoof = 19,
        RightScapula = 20, RightHumerus = 21, RightRadius = 22, RightFrontCannon = 23, RightFrontPastern = 24, RightFrontHoof = 25;

    /// <summary>Hind legs: femur (hip), tibia (stifle), cannon (hock), pastern (fetlock), hoof (coffin).</summary>
    public const int LeftFemur = 26, LeftTibia = 27, LeftHindCannon = 28, LeftHindPastern = 29, LeftHindHoof = 30,
        RightFemur = 31, RightTibia = 32, RightHindCannon = 33, RightHindPastern = 34, RightHindHoof = 35;

    public const int Count = 36;

    public static IReadOnlyList<string> Names { get; } =
    [
        "root", "pelvis", "lumbar", "thorax", "withers", "neck1", "neck2", "neck3", "head", "jaw", "tail1", "tail2", "tail3", "tail4",
        "l_scapula", "l_humerus", "l_radius", "l_front_cannon", "l_front_pastern", "l_front_hoof",
        "r_scapula", "r_humerus", "r_radius", "r_front_cannon", "r_front_pastern", "r_front_hoof",
        "l_femur", "l_tibia", "l_hind_cannon", "l_hind_pastern", "l_hind_hoof",
        "r_femur", "r_tibia", "r_hind_cannon", "r_hind_pastern", "r_hind_hoof",
    ];

    public static IReadOnlyList<int> Parents { get; } =
    [
        -1, Root, Pelvis, Lumbar, Thorax, Withers, Neck1, Neck2, Neck3, Head, Pelvis, Tail1, Tail2, Tail3,
        Thorax, LeftScapula, LeftHumerus, LeftRadius, LeftFrontCannon, LeftFrontPastern,
        Thorax, RightScapula, RightHumerus, RightRadius, RightFrontCannon, RightFrontPastern,
        Pelvis, LeftFemur, LeftTibia, LeftHindCannon, LeftHindPastern,
        Pelvis, RightFemur, RightTibia, RightHindCannon, RightHindPastern,
    ];

    /// <summary>The first bone (scapula or femur) of each leg: left front, right front, left hind, right hind.</summary>
    public static IReadOnlyList<int> LegRoots { get; } = [LeftScapula, RightScapula, LeftFemur, RightFemur];

    /// <summary>
    /// Joint limits in degrees, per bone: pitch (about z; positive swings the bone's far end forward/up), yaw (about y),
    /// roll (about x). The carpus (front cannon) folds only backward, the hock (hind cannon) only forward.
    /// </summary>
    public static IReadOnlyList<JointLimit> Limits { get; } =
    [
        new(-180, 180, -180, 180, -180, 180),                               // root: free
        new(-15, 15, -10, 10, -5, 5), new(-8, 8, -10, 10, -5, 5), new(-8, 8, -10, 10, -5, 5), new(-10, 10, -10, 10, -5, 5),
        new(-55, 25, -30, 30, -10, 10), new(-40, 25, -30, 30, -10, 10), new(-35, 25, -30, 30, -10, 10), new(-40, 75, -25, 25, -15, 15),
        new(-15, 0, 0, 0, 0, 0),                                             // jaw: opens only
        new(-60, 30, -40, 40, -10, 10), new(-30, 30, -30, 30, -5, 5), new(-30, 30, -30, 30, -5, 5), new(-30, 30, -30, 30, -5, 5),
        .. FrontLeg(), .. FrontLeg(), .. HindLeg(), .. HindLeg(),
    ];

    private static JointLimit[] FrontLeg() =>
    [
        new(-25, 35, -5, 5, -8, 8),      // scapula
        new(-35, 35, -5, 5, -8, 8),      // shoulder joint
        new(-10, 80, -3, 3, -3, 3),      // elbow: forearm swings forward in flexion
        new(-140, 4, -3, 3, -3, 3),      // carpus: folds backward only
        new(-100, 40, -3, 3, -3, 3),     // fetlock: flexes back, dorsiflexes under load
        new(-40, 20, -2, 2, -2, 2),      // coffin
    ];

    private static JointLimit[] HindLeg() =>
    [
        new(-40, 45, -6, 6, -8, 8),      // hip
        new(-70, 15, -3, 3, -3, 3),      // stifle: the hock swings back in flexion
        new(-4, 110, -3, 3, -3, 3),      // hock: folds forward only
        new(-100, 40, -3, 3, -3, 3),     // fetlock
        new(-40, 20, -2, 2, -2, 2),      // coffin
    ];
}

/// <summary>A joint's range in degrees: pitch, yaw and roll minimum/maximum.</summary>
public readonly record struct JointLimit(float PitchMin, float PitchMax, float YawMin, float YawMax, float RollMin, float RollMax);
