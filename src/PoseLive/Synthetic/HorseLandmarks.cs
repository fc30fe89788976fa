namespace PoseLive.Synthetic;

/// <summary>
/// The 18 keypoints of the quadruped18 schema (TigDog order), as anatomical points of <see cref="HorseSkeleton"/>:
/// eyes (centre of the eye's surface), chin (underside tip of the lower jaw), hooves (bottom centre), front knees
/// (carpus), back knees (hock), shoulders (point of the shoulder), front elbows (olecranon), back elbows (stifle) and
/// the withers (top of the shoulders on the dorsal midline). Left and right are the animal's own sides.
/// </summary>
public static class HorseLandmarks
{
    public const int LeftEye = 0, RightEye = 1, Chin = 2, LeftFrontHoof = 3, RightFrontHoof = 4, LeftBackHoof = 5, RightBackHoof = 6,
        LeftFrontKnee = 7, RightFrontKnee = 8, LeftBackKnee = 9, RightBackKnee = 10, LeftShoulder = 11, RightShoulder = 12,
        LeftFrontElbow = 13, RightFrontElbow = 14, LeftBackElbow = 15, RightBackElbow = 16, Withers = 17;

    public const int Count = 18;

    public static IReadOnlyList<int> Hooves { get; } = [LeftFrontHoof, RightFrontHoof, LeftBackHoof, RightBackHoof];

    /// <summary>The landmark's side: −1 the animal's left (−z at rest), +1 its right, 0 the midline (chin, withers).</summary>
    public static int Side(int landmark) => landmark switch
    {
        Chin or Withers => 0,
        LeftEye => -1,
        RightEye => 1,
        _ => landmark % 2 == 1 ? -1 : 1,
    };
}
