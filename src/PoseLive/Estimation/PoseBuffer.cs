using PoseLive.Pose;
using PoseLive.Pose.Geometry;

namespace PoseLive.Estimation;

/// <summary>
/// Reusable storage for one frame's poses (the live path): <see cref="Add"/> hands out the next pose slot — its own
/// keypoint array and, when asked, its own heatmap — overwritten in place, so once the slots have grown to the most
/// people seen, a frame allocates nothing. The poses stay valid until <see cref="Clear"/>; whoever keeps one longer
/// copies it. Not thread-safe.
/// </summary>
public sealed class PoseBuffer
{
    private readonly List<PersonPose> _slots = [];
    private readonly List<PersonHeatmap?> _heatmaps = [];
    private readonly List<PersonPose> _poses = [];

    /// <summary>The poses added since the last <see cref="Clear"/>, in order.</summary>
    public IReadOnlyList<PersonPose> Poses => _poses;

    public int Count => _poses.Count;

    public void Clear() => _poses.Clear();

    /// <summary>
    /// The next pose: box and scores set, keypoints (<paramref name="keypoints"/> of them) to be written by the caller
    /// into <see cref="PersonPose.Keypoints"/>; its heatmap left out.
    /// </summary>
    public PersonPose Add(int keypoints, BoundingBox box, float boxScore, float score)
    {
        int i = _poses.Count;
        if (i == _slots.Count) { _slots.Add(new PersonPose(new Keypoint[keypoints], box, boxScore, score)); _heatmaps.Add(null); }
        else if (_slots[i].Keypoints.Length != keypoints) _slots[i] = new PersonPose(new Keypoint[keypoints], box, boxScore, score);
        var pose = _slots[i];
        pose.Set(box, boxScore, score, null);
        _poses.Add(pose);
        return pose;
    }

    /// <summary>A copy of <paramref name="pose"/> (keypoints, box, scores; its heatmap's values too when <paramref name="heatmap"/>).</summary>
    public PersonPose AddCopy(PersonPose pose, bool heatmap)
    {
        var copy = Add(pose.Keypoints.Length, pose.Box, pose.BoxScore, pose.Score);
        pose.Keypoints.AsSpan().CopyTo(copy.Keypoints);
        if (heatmap && pose.Heatmap is { } h)
        {
            var own = AttachHeatmap(copy, h.Width, h.Height, h.InputToImage, h.InputWidth, h.InputHeight);
            h.Values.AsSpan().CopyTo(own);
        }
        return copy;
    }

    /// <summary>
    /// Gives <paramref name="pose"/> (the last one added) this slot's heatmap of <paramref name="width"/>×<paramref name="height"/>
    /// placed by <paramref name="inputToImage"/>; returns its values to be written.
    /// </summary>
    public Span<float> AttachHeatmap(PersonPose pose, int width, int height, Affine2D inputToImage, int inputWidth, int inputHeight)
    {
        int i = _poses.Count - 1;
        if (i < 0 || !ReferenceEquals(_poses[i], pose)) throw new InvalidOperationException("A heatmap goes with the pose added last.");
        var heatmap = _heatmaps[i];
        if (heatmap is null || heatmap.Width != width || heatmap.Height != height)
            _heatmaps[i] = heatmap = new PersonHeatmap(new float[width * height], width, height, inputToImage, inputWidth, inputHeight);
        heatmap.Set(inputToImage, inputWidth, inputHeight);
        pose.Set(pose.Box, pose.BoxScore, pose.Score, heatmap);
        return heatmap.Values;
    }
}
