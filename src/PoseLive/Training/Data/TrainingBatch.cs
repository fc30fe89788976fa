namespace PoseLive.Training.Data;

/// <summary>
/// A ready batch: images [N, 3, H, W], targets [N, K·C, h, w] and target weights [N, K] in buffers sized for the full
/// batch and reused (rent from and return to the <see cref="BatchLoader"/>); <see cref="Count"/> may be smaller for
/// an epoch's last batch.
/// </summary>
public sealed class TrainingBatch
{
    internal TrainingBatch(int capacity, int imageValues, int targetValues, int keypoints)
    {
        Capacity = capacity;
        Images = new float[capacity * imageValues];
        Targets = new float[capacity * targetValues];
        Weights = new float[capacity * keypoints];
        Instances = new int[capacity];
        Keypoints = new Pose.Keypoint[capacity * keypoints];
    }

    public int Capacity { get; }
    public int Count { get; internal set; }
    /// <summary>Entries of the whole batch across the ranks of a data-parallel run (<see cref="Count"/> when alone).</summary>
    public int GlobalCount { get; internal set; }
    public long Epoch { get; internal set; }
    /// <summary>Position of the batch in its epoch (0-based).</summary>
    public int Number { get; internal set; }
    public float[] Images { get; }
    public float[] Targets { get; }
    public float[] Weights { get; }
    /// <summary>Dataset instance index of each entry.</summary>
    public int[] Instances { get; }
    /// <summary>Each entry's keypoints in input pixels, [N, K] (as the targets were encoded from).</summary>
    public Pose.Keypoint[] Keypoints { get; }
}
