using PoseLive.Pose.Codecs;
using PoseLive.Pose.Geometry;

namespace PoseLive.Pose;

/// <summary>
/// The one way a top-down net's output becomes image keypoints, shared by the served heatmap estimator and training's
/// validation: optional flip test (flip the mirrored run's output back with the schema's pairs, average), decode with
/// the codec, map input pixels back through the crop.
/// </summary>
public static class TopDownDecoding
{
    /// <summary>The flip alignment a codec's convention needs (UDP and DARK none, MSRA the classical 1-px shift).</summary>
    public static FlipAlignment FlipAlignmentFor(IKeypointCodec codec) =>
        codec.Convention == CropConvention.UnbiasedDataProcessing || codec is DarkCodec ? FlipAlignment.None : FlipAlignment.ShiftOnePixel;

    /// <summary>
    /// Decodes one instance's output (<paramref name="own"/>, averaged in place with <paramref name="mirrored"/> when that
    /// is not empty) into keypoints in image pixels. <paramref name="back"/> and <paramref name="keypoints"/> are scratch.
    /// </summary>
    public static Keypoint[] ToImage(IKeypointCodec codec, Span<float> own, ReadOnlySpan<float> mirrored, int[] flipIndex, TopDownCrop crop,
        Span<float> back, Span<Keypoint> keypoints)
    {
        if (!mirrored.IsEmpty)
        {
            FlipTest.FlipBack(mirrored, back, codec.HeatmapWidth, codec.HeatmapHeight, codec.ChannelsPerKeypoint, flipIndex, FlipAlignmentFor(codec));
            FlipTest.Average(own, back);
        }
        codec.Decode(own, keypoints);
        var toImage = crop.InputToImage;
        var inImage = new Keypoint[keypoints.Length];
        for (int j = 0; j < inImage.Length; j++) inImage[j] = toImage.Apply(keypoints[j]);
        return inImage;
    }
}
