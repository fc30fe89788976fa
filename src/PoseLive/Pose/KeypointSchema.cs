namespace PoseLive.Pose;

/// <summary>
/// What the keypoints of a model or dataset are: names in order, left/right flip pairs, skeleton
/// (0-based index pairs), and per-keypoint OKS sigmas. Schemas travel with model cards and COCO
/// categories (COCO's skeleton is 1-based: see <see cref="ToCocoSkeleton"/>).
/// </summary>
public sealed record KeypointSchema(string Name, string[] Keypoints, (int A, int B)[] FlipPairs, (int A, int B)[] Skeleton, double[] Sigmas, string Description = "")
{
    public int Count => Keypoints.Length;

    /// <summary>For each keypoint, the index it swaps with under a horizontal flip (itself when unpaired).</summary>
    public int[] FlipIndex()
    {
        var map = Enumerable.Range(0, Count).ToArray();
        foreach (var (a, b) in FlipPairs) { map[a] = b; map[b] = a; }
        return map;
    }

    public int IndexOf(string keypoint)
    {
        int i = Array.IndexOf(Keypoints, keypoint);
        if (i < 0) throw new ArgumentException($"Schema {Name} has no keypoint '{keypoint}' (has: {string.Join(", ", Keypoints)}).", nameof(keypoint));
        return i;
    }

    /// <summary>Skeleton as COCO writes it (1-based).</summary>
    public int[][] ToCocoSkeleton() => Skeleton.Select(e => new[] { e.A + 1, e.B + 1 }).ToArray();

    /// <summary>Checks internal consistency (indices in range, lengths equal); throws naming the problem.</summary>
    public KeypointSchema Validate()
    {
        if (Sigmas.Length != Count) throw new ArgumentException($"Schema {Name}: {Sigmas.Length} sigmas for {Count} keypoints.");
        foreach (var (a, b) in FlipPairs.Concat(Skeleton))
            if ((uint)a >= (uint)Count || (uint)b >= (uint)Count) throw new ArgumentException($"Schema {Name}: pair ({a},{b}) out of range 0..{Count - 1}.");
        if (Keypoints.Distinct().Count() != Count) throw new ArgumentException($"Schema {Name}: duplicate keypoint names.");
        return this;
    }

    /// <summary>COCO-17 person keypoints (order, flip pairs, skeleton and sigmas of the COCO keypoint task).</summary>
    public static KeypointSchema Coco17 { get; } = new KeypointSchema(
        "coco17",
        ["nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder", "right_shoulder", "left_elbow", "right_elbow",
         "left_wrist", "right_wrist", "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle"],
        [(1, 2), (3, 4), (5, 6), (7, 8), (9, 10), (11, 12), (13, 14), (15, 16)],
        // COCO's skeleton, converted from its 1-based pairs
        [(15, 13), (13, 11), (16, 14), (14, 12), (11, 12), (5, 11), (6, 12), (5, 6), (5, 7), (6, 8), (7, 9), (8, 10),
         (1, 2), (0, 1), (0, 2), (1, 3), (2, 4), (3, 5), (4, 6)],
        [.026, .025, .025, .035, .035, .079, .079, .072, .072, .062, .062, .107, .107, .087, .087, .089, .089],
        "COCO person keypoints; sigmas are the COCO OKS constants.").Validate();

    /// <summary>
    /// 18-keypoint quadruped (TigDog order, as CC-SSL's synthetic animals use it). The first 17 names and their order
    /// follow the TigDog README, which does not name the 18th; PoseLive defines it as the withers. Anatomically
    /// (PoseLive's synthetic horse places them so, see Synthetic/HorseLandmarks): eyes = centre of each eye; chin =
    /// underside tip of the lower jaw; hooves = bottom centre of each hoof; front knees = carpus; back knees = hock;
    /// shoulders = point of the shoulder; front elbows = olecranon; back elbows = stifle; withers = top of the
    /// shoulders on the dorsal midline. Left and right are the animal's own sides. Sigmas are uniform (0.089, as
    /// COCO's ankles): animals are evaluated with PCK, and OKS over this schema is a rough guide only.
    /// </summary>
    public static KeypointSchema Quadruped18 { get; } = new KeypointSchema(
        "quadruped18",
        ["left_eye", "right_eye", "chin", "left_front_hoof", "right_front_hoof", "left_back_hoof", "right_back_hoof",
         "left_front_knee", "right_front_knee", "left_back_knee", "right_back_knee", "left_shoulder", "right_shoulder",
         "left_front_elbow", "right_front_elbow", "left_back_elbow", "right_back_elbow", "withers"],
        [(0, 1), (3, 4), (5, 6), (7, 8), (9, 10), (11, 12), (13, 14), (15, 16)],
        [(0, 1), (0, 2), (1, 2), (2, 17), (17, 11), (17, 12),
         (11, 13), (13, 7), (7, 3), (12, 14), (14, 8), (8, 4),
         (15, 9), (9, 5), (16, 10), (10, 6), (11, 15), (12, 16)],
        Enumerable.Repeat(0.089, 18).ToArray(),
        "TigDog-order quadruped; the 18th point (unnamed by TigDog) is the withers, see the schema docs.").Validate();

    /// <summary>A schema by name (coco17, quadruped18).</summary>
    public static KeypointSchema ByName(string name) => name.ToLowerInvariant() switch
    {
        "coco17" or "coco" or "person" => Coco17,
        "quadruped18" or "quadruped" or "animal" => Quadruped18,
        _ => throw new ArgumentException($"Unknown keypoint schema '{name}' (known: coco17, quadruped18)."),
    };
}
