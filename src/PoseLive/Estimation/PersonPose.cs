using PoseLive.Inference;
using PoseLive.Detection;
using PoseLive.Pose;

namespace PoseLive.Estimation;

/// <summary>
/// One person's pose: keypoints in image pixels with scores, the box it was estimated in, and an instance score.
/// Immutable to its users; the live path reuses instances it owns (<see cref="PoseBuffer"/>) by overwriting them in place.
/// </summary>
public sealed record PersonPose(Keypoint[] Keypoints, BoundingBox Box, float BoxScore, float Score)
{
    private BoundingBox _box = Box;
    private float _boxScore = BoxScore, _score = Score;
    private PersonHeatmap? _heatmap;

    public BoundingBox Box { get => _box; init => _box = value; }
    public float BoxScore { get => _boxScore; init => _boxScore = value; }
    public float Score { get => _score; init => _score = value; }

    /// <summary>The network's heatmap for this person (when the estimator captures them), for display.</summary>
    public PersonHeatmap? Heatmap { get => _heatmap; init => _heatmap = value; }

    /// <summary>Overwrites a reused pose (its <see cref="Keypoints"/> array is written by the owner).</summary>
    internal void Set(BoundingBox box, float boxScore, float score, PersonHeatmap? heatmap)
    {
        (_box, _boxScore, _score, _heatmap) = (box, boxScore, score, heatmap);
    }

    /// <summary>Overwrites a reused pose with <paramref name="other"/>'s values (keypoints copied; the heatmap shared or left out).</summary>
    internal void CopyFrom(PersonPose other, bool heatmap)
    {
        other.Keypoints.AsSpan().CopyTo(Keypoints);
        Set(other.Box, other.BoxScore, other.Score, heatmap ? other.Heatmap : null);
    }
}

/// <summary>
/// A heatmap to show: values (0..1, row-major W×H, e.g. the max over keypoints) and where its crop lies in the image.
/// Immutable to its users; a <see cref="PoseBuffer"/> overwrites the ones it owns.
/// </summary>
public sealed record PersonHeatmap(float[] Values, int Width, int Height, PoseLive.Pose.Geometry.Affine2D InputToImage, int InputWidth, int InputHeight)
{
    private PoseLive.Pose.Geometry.Affine2D _inputToImage = InputToImage;
    private int _inputWidth = InputWidth, _inputHeight = InputHeight;

    public PoseLive.Pose.Geometry.Affine2D InputToImage { get => _inputToImage; init => _inputToImage = value; }
    public int InputWidth { get => _inputWidth; init => _inputWidth = value; }
    public int InputHeight { get => _inputHeight; init => _inputHeight = value; }

    /// <summary>Overwrites a reused heatmap's placement (its <see cref="Values"/>, of the same size, are written by the owner).</summary>
    internal void Set(PoseLive.Pose.Geometry.Affine2D inputToImage, int inputWidth, int inputHeight) =>
        (_inputToImage, _inputWidth, _inputHeight) = (inputToImage, inputWidth, inputHeight);

    /// <summary>The maximum over keypoint channels of a [K, H, W] block, into <paramref name="max"/> (H·W values).</summary>
    public static void MaxOverKeypoints(ReadOnlySpan<float> heatmaps, int keypoints, int plane, Span<float> max)
    {
        heatmaps[..plane].CopyTo(max);
        for (int k = 1; k < keypoints; k++)
        {
            var h = heatmaps.Slice(k * plane, plane);
            for (int i = 0; i < plane; i++) if (h[i] > max[i]) max[i] = h[i];
        }
    }

    /// <summary>The maximum over keypoint channels of a [K, H, W] block.</summary>
    public static float[] MaxOverKeypoints(ReadOnlySpan<float> heatmaps, int keypoints, int plane)
    {
        var max = new float[plane];
        MaxOverKeypoints(heatmaps, keypoints, plane, max);
        return max;
    }
}

/// <summary>A top-down pose estimator: keypoints for each person box of a frame (all persons batched into one run).</summary>
public interface IPoseEstimator : IDisposable
{
    KeypointSchema Schema { get; }

    /// <summary>Where the pose net runs (the execution provider its session resolved to).</summary>
    ExecutionProvider Provider { get; }

    /// <summary>Attach each person's heatmap to its result (for the renderer's heatmap layer).</summary>
    bool CaptureHeatmaps { get; set; }

    IReadOnlyList<PersonPose> Estimate(ReadOnlySpan<byte> rgb, int width, int height, int stride, IReadOnlyList<DetectedBox> persons);

    /// <summary>
    /// <see cref="Estimate(ReadOnlySpan{byte}, int, int, int, IReadOnlyList{DetectedBox})"/> into reused storage
    /// (<paramref name="into"/> is cleared first): the live path's form, which allocates nothing once the buffer has grown
    /// (where the estimator implements it; this default copies the allocating form's poses).
    /// </summary>
    void Estimate(ReadOnlySpan<byte> rgb, int width, int height, int stride, IReadOnlyList<DetectedBox> persons, PoseBuffer into)
    {
        into.Clear();
        foreach (var p in Estimate(rgb, width, height, stride, persons)) into.AddCopy(p, heatmap: true);
    }

    /// <summary>
    /// Prepares the runs for 1…<paramref name="maxPeople"/> people now (tensors allocated, one run each), so a live stream
    /// neither allocates nor stalls the first time that many people are in view.
    /// </summary>
    void Prepare(int maxPeople) { }
}

/// <summary>Removes duplicate people (two boxes on one person) by OKS-NMS on the rescored poses.</summary>
public static class PoseDeduplication
{
    /// <summary>
    /// OKS-NMS (as <see cref="OksNms.Suppress"/>: keep the best-scored, drop every other pose whose OKS with it exceeds
    /// <paramref name="threshold"/>, repeat) into <paramref name="into"/> (cleared first), with the work arrays in
    /// <paramref name="scratch"/>: nothing allocated once they have grown (live frames).
    /// </summary>
    public static void Apply(IReadOnlyList<PersonPose> poses, ReadOnlySpan<double> sigmas, List<PersonPose> into, ref int[] scratch, double threshold = 0.9)
    {
        into.Clear();
        int n = poses.Count;
        if (n < 2) { for (int i = 0; i < n; i++) into.Add(poses[i]); return; }
        if (scratch.Length < 2 * n) scratch = new int[Math.Max(2 * n, 2 * scratch.Length)];
        var order = scratch.AsSpan(0, n);
        var state = scratch.AsSpan(n, n);                        // 0 open, 1 kept, 2 removed
        for (int i = 0; i < n; i++) { order[i] = i; state[i] = 0; }
        for (int i = 1; i < n; i++)                              // insertion sort: score descending, then index (as OksNms orders)
        {
            int v = order[i], j = i - 1;
            while (j >= 0 && poses[order[j]].Score < poses[v].Score) { order[j + 1] = order[j]; j--; }
            order[j + 1] = v;
        }
        foreach (int i in order)
        {
            if (state[i] == 2) continue;
            state[i] = 1;
            into.Add(poses[i]);
            foreach (int j in order)
            {
                if (j == i || state[j] != 0) continue;
                if (Oks.Between(poses[i].Keypoints, poses[i].Box.Area, poses[j].Keypoints, poses[j].Box.Area, sigmas, 0.2f) > threshold) state[j] = 2;
            }
        }
    }

    /// <summary>The poses kept, best score first; <paramref name="threshold"/> 0.9 is the top-down COCO setting.</summary>
    public static IReadOnlyList<PersonPose> Apply(IReadOnlyList<PersonPose> poses, ReadOnlySpan<double> sigmas, double threshold = 0.9)
    {
        if (poses.Count < 2) return poses;
        var kept = new List<PersonPose>(poses.Count);
        int[] scratch = [];
        Apply(poses, sigmas, kept, ref scratch, threshold);
        return kept;
    }
}
