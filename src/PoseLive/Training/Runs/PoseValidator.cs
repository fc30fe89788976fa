using PoseLive.Coco;
using PoseLive.Pose;
using PoseLive.Pose.Codecs;
using PoseLive.Pose.Geometry;
using PoseLive.Training.Data;

namespace PoseLive.Training.Runs;

/// <summary>What a validation pass measured: COCO OKS AP/AR, PCK@0.05 and @0.1 (box-normalised, per keypoint) and the predictions.</summary>
public sealed record ValidationResult(CocoEvalStats Coco, PckResult Pck05, PckResult Pck10, IReadOnlyList<CocoResult> Predictions)
{
    /// <summary>The number a run selects its best checkpoint by: AP, or PCK@0.05 (overall accuracy).</summary>
    public double Metric(string metric) => metric == "pck" ? Pck05.Accuracy : Coco.AP;
}

/// <summary>
/// Validation of a top-down net on a dataset's ground-truth boxes: unaugmented crops (the codec's convention), a
/// batched run through any runner (libtorch module or ONNX Runtime), optional flip test, decoding with the training
/// codec, keypoints mapped back to the image and rescored (box score 1 × mean keypoint confidence &gt; 0.2), then
/// scored with <see cref="CocoKeypointEvaluator"/> and <see cref="PckEvaluator"/> against the dataset's ground truth.
/// </summary>
public sealed class PoseValidator(KeypointDataset data, IKeypointCodec codec, InputNormalization normalization, ImageStore store, int batchSize = 32, bool flipTest = false)
{
    /// <summary>Runs [count, 3, H, W] inputs through the net; returns [count, K·C, h, w] outputs.</summary>
    public delegate float[] Runner(float[] inputs, int count);

    public KeypointDataset Data => data;
    public IKeypointCodec Codec => codec;

    public ValidationResult Evaluate(Runner run, CancellationToken cancellationToken = default)
    {
        int w = codec.InputWidth, h = codec.InputHeight, iv = 3 * w * h;
        int k = data.Schema.Count, per = codec.OutputChannels(k) * codec.HeatmapWidth * codec.HeatmapHeight;
        var flipIndex = data.Schema.FlipIndex();
        int categoryId = data.GroundTruth.Categories.First(c => c.Keypoints.Length > 0).Id;
        var results = new List<CocoResult>(data.Instances.Count);
        int runBatch = flipTest ? 2 * batchSize : batchSize;
        var input = new float[runBatch * iv];
        var back = new float[per];
        var keypoints = new Keypoint[k];
        var crops = new TopDownCrop[batchSize];
        for (int start = 0; start < data.Instances.Count; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = Math.Min(batchSize, data.Instances.Count - start);
            for (int i = 0; i < n; i++)
            {
                var instance = data.Instances[start + i];
                var image = store.Get(instance.Image);
                crops[i] = TopDownCrop.FromBox(TopDownSampler.BoxOf(instance), w, h, convention: codec.Convention);
                AffineCropper.Crop(image.Pixels, image.Width, image.Height, image.Stride, crops[i].ImageToInput, w, h, normalization, input.AsSpan(i * iv, iv));
            }
            if (flipTest)
                for (int i = 0; i < n; i++) FlipTest.MirrorPlanes(input.AsSpan(i * iv, iv), input.AsSpan((n + i) * iv, iv), w, h);
            var output = run(input, flipTest ? 2 * n : n);
            for (int i = 0; i < n; i++)
            {
                var inImage = TopDownDecoding.ToImage(codec, output.AsSpan(i * per, per), flipTest ? output.AsSpan((n + i) * per, per) : default, flipIndex, crops[i], back, keypoints);
                var instance = data.Instances[start + i];
                var triplets = new float[3 * k];
                for (int j = 0; j < k; j++)
                    if (!inImage[j].IsMissing) (triplets[3 * j], triplets[3 * j + 1], triplets[3 * j + 2]) = (inImage[j].X, inImage[j].Y, inImage[j].Score);
                float score = new PosePrediction(inImage, 1f, instance.Area).Rescored();
                results.Add(new CocoResult(instance.ImageId, categoryId, triplets, score));
            }
        }
        var coco = new CocoKeypointEvaluator(data.GroundTruth, new Dictionary<int, double[]> { [categoryId] = data.Schema.Sigmas }).Evaluate(results);
        var pck05 = PckEvaluator.Evaluate(data.GroundTruth, results, 0.05, PckNormalization.BoxSize, sigmas: data.Schema.Sigmas);
        var pck10 = PckEvaluator.Evaluate(data.GroundTruth, results, 0.1, PckNormalization.BoxSize, sigmas: data.Schema.Sigmas);
        return new ValidationResult(coco, pck05, pck10, results);
    }
}
