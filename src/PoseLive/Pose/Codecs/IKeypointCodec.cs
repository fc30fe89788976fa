namespace PoseLive.Pose.Codecs;

/// <summary>
/// A keypoint codec (MMPose style): the same object turns keypoints into training targets
/// (<see cref="Encode"/>) and network outputs back into keypoints (<see cref="Decode"/>), so training and
/// inference cannot disagree. Keypoints are in network-input pixels; the coordinate convention between
/// input and heatmap is the codec's contract (<see cref="Convention"/>). Outputs are [K·C, H, W] for one
/// instance, C = <see cref="ChannelsPerKeypoint"/>.
/// </summary>
public interface IKeypointCodec
{
    string Name { get; }
    int InputWidth { get; }
    int InputHeight { get; }
    int HeatmapWidth { get; }
    int HeatmapHeight { get; }
    int ChannelsPerKeypoint { get; }
    Geometry.CropConvention Convention { get; }

    /// <summary>Output planes per instance for <paramref name="keypoints"/> keypoints (K·C for per-keypoint codecs).</summary>
    int OutputChannels(int keypoints) => keypoints * ChannelsPerKeypoint;

    /// <summary>
    /// Writes the target for <paramref name="keypoints"/> (input pixels; Score &gt; 0 = labelled) into
    /// <paramref name="target"/> (K·C·H·W) and per-keypoint loss weights (0 for unlabelled or outside).
    /// </summary>
    void Encode(ReadOnlySpan<Keypoint> keypoints, Span<float> target, Span<float> weights);

    /// <summary>Decodes one instance's output (K·C·H·W) into keypoints in input pixels; missing ones are <see cref="Keypoint.Missing"/>.</summary>
    void Decode(ReadOnlySpan<float> output, Span<Keypoint> keypoints);
}

/// <summary>Size bookkeeping shared by the codecs.</summary>
public abstract class KeypointCodecBase : IKeypointCodec
{
    protected KeypointCodecBase(int inputWidth, int inputHeight, int heatmapWidth, int heatmapHeight)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(heatmapWidth, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(heatmapHeight, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputWidth, heatmapWidth);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputHeight, heatmapHeight);
        InputWidth = inputWidth;
        InputHeight = inputHeight;
        HeatmapWidth = heatmapWidth;
        HeatmapHeight = heatmapHeight;
    }

    public abstract string Name { get; }
    public int InputWidth { get; }
    public int InputHeight { get; }
    public int HeatmapWidth { get; }
    public int HeatmapHeight { get; }
    public virtual int ChannelsPerKeypoint => 1;
    public virtual Geometry.CropConvention Convention => Geometry.CropConvention.Standard;
    public virtual int OutputChannels(int keypoints) => keypoints * ChannelsPerKeypoint;

    protected int Plane => HeatmapWidth * HeatmapHeight;

    public abstract void Encode(ReadOnlySpan<Keypoint> keypoints, Span<float> target, Span<float> weights);
    public abstract void Decode(ReadOnlySpan<float> output, Span<Keypoint> keypoints);

    /// <summary>Number of keypoints in an output of this codec, checking the length.</summary>
    protected int KeypointCount(int outputLength, int keypointSpanLength)
    {
        int per = ChannelsPerKeypoint * Plane;
        if (outputLength % per != 0 || outputLength / per != keypointSpanLength)
            throw new ArgumentException($"{Name}: output of {outputLength} values is not {keypointSpanLength} keypoints × {ChannelsPerKeypoint} × {HeatmapHeight}×{HeatmapWidth}.");
        return keypointSpanLength;
    }

    /// <summary>
    /// The Gaussian-heatmap target shared by the one-channel codecs: per keypoint a peak-1 Gaussian at
    /// x/stride (quantised with int(x/stride + 0.5) when <paramref name="quantize"/>, as MSRA does);
    /// weight 0 for unlabelled keypoints or windows that miss the map.
    /// </summary>
    protected void EncodeGaussians(ReadOnlySpan<Keypoint> keypoints, Span<float> target, Span<float> weights, double sigma, bool quantize)
    {
        int k = KeypointCount(target.Length, keypoints.Length);
        for (int j = 0; j < k; j++)
        {
            var map = target.Slice(j * Plane, Plane);
            var kp = keypoints[j];
            if (kp.IsMissing || kp.Score <= 0) { map.Clear(); weights[j] = 0; continue; }
            double mx = kp.X / StrideX, my = kp.Y / StrideY;
            if (quantize) { mx = (int)(mx + 0.5); my = (int)(my + 0.5); } // truncation, as the original
            weights[j] = HeatmapMath.DrawGaussian(map, HeatmapWidth, HeatmapHeight, mx, my, sigma) ? 1 : 0;
        }
    }

    /// <summary>Heatmap → input scale of the standard convention (input/heatmap per axis).</summary>
    protected double StrideX => (double)InputWidth / HeatmapWidth;
    protected double StrideY => (double)InputHeight / HeatmapHeight;
}

/// <summary>
/// A codec whose targets also need the person's box (MoveNet's centre head, centre→keypoint regression, and Gaussians
/// sized by the person): the sampler passes the instance box mapped into the input, which the keypoints alone do not
/// give when some are unlabelled.
/// </summary>
public interface IPersonCentredCodec : IKeypointCodec
{
    void Encode(ReadOnlySpan<Keypoint> keypoints, BoundingBox person, Span<float> target, Span<float> weights);
}
