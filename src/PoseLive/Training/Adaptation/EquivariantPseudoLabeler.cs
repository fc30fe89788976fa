using PoseLive.Interop.OpenCv;
using PoseLive.Pose;
using PoseLive.Pose.Codecs;
using PoseLive.Pose.Geometry;

namespace PoseLive.Training.Adaptation;

/// <summary>One animal's pseudo-label: keypoints in image pixels and the confidence of each (the peak of its averaged heatmap).</summary>
public sealed record PseudoLabel(Keypoint[] Keypoints, float[] Confidences);

/// <summary>
/// CC-SSL's invariance/equivariance check for one crop: the crop is predicted in the identity pass and in random scaled
/// and rotated passes (<see cref="EquivariancePass"/>); each pass's heatmaps are resampled into the identity crop's
/// frame and averaged, so a keypoint the net places consistently keeps a high peak and an unstable one loses it. The
/// averaged heatmaps are decoded by the codec training uses; confidence = each keypoint's peak.
/// </summary>
public sealed class EquivariantPseudoLabeler(IKeypointCodec codec, int keypoints, InputNormalization normalization,
    Func<float[], int, float[]> predict, int passes = 5)
{
    /// <summary>
    /// Labels the animal in <paramref name="cropBox"/> (a square crop box, e.g. <see cref="FootageCrop.CropBox"/>) of an RGB
    /// frame; <paramref name="predict"/> maps an NCHW batch of n crops to n·K·H·W heatmaps.
    /// </summary>
    public PseudoLabel Label(ReadOnlySpan<byte> rgb, int width, int height, int stride, BoundingBox cropBox, Random random)
    {
        int w = codec.HeatmapWidth, h = codec.HeatmapHeight, plane = w * h;
        var identity = TopDownCrop.FromBox(cropBox, codec.InputWidth, codec.InputHeight, padding: 1.0);
        var draws = EquivariancePass.Draw(random, passes);
        var crops = draws.Select(p => p.Apply(identity)).ToArray();
        var input = new float[passes * 3 * codec.InputWidth * codec.InputHeight];
        AffineCropper.Crop(rgb, width, height, stride, crops, normalization, input);
        var output = predict(input, passes);
        int per = keypoints * plane * codec.ChannelsPerKeypoint;
        if (output.Length < passes * per) throw new ArgumentException($"The net returned {output.Length} values for {passes} crops; {passes * per} expected.");
        var sum = new float[keypoints * plane];
        var unwarped = new float[keypoints * plane];
        for (int p = 0; p < passes; p++)
        {
            var heat = output.AsSpan(p * per, keypoints * plane);
            if (p == 0) heat.CopyTo(unwarped);
            else OpenCvHeatmaps.Warp(heat, unwarped, keypoints, w, h, draws[p].IdentityToPass(identity, w, h));
            for (int i = 0; i < sum.Length; i++) sum[i] += unwarped[i];
        }
        for (int i = 0; i < sum.Length; i++) sum[i] /= passes;
        var confidences = new float[keypoints];
        for (int k = 0; k < keypoints; k++)
        {
            float peak = float.NegativeInfinity;
            foreach (var v in sum.AsSpan(k * plane, plane)) peak = Math.Max(peak, v);
            confidences[k] = peak;
        }
        var decoded = new Keypoint[keypoints];
        codec.Decode(sum, decoded);
        var toImage = identity.InputToImage;
        for (int k = 0; k < keypoints; k++) decoded[k] = decoded[k].IsMissing ? decoded[k] : toImage.Apply(decoded[k]) with { Score = confidences[k] };
        return new PseudoLabel(decoded, confidences);
    }
}
