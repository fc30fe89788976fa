using PoseLive.Detection;
using PoseLive.Inference;
using PoseLive.Models;
using PoseLive.Pose;
using PoseLive.Pose.Codecs;
using PoseLive.Pose.Geometry;

namespace PoseLive.Estimation;

/// <summary>
/// MoveNet single-pose on person crops: each box is padded to a square (×1.25), cropped to the model's
/// input (int32 RGB 0..255), all persons run as one batch, heads decoded in C# and mapped back to the image.
/// </summary>
public sealed class MoveNetEstimator : IPoseEstimator
{
    private readonly InferenceSession _session;

    /// <summary>Where the net runs (the execution provider its session resolved to).</summary>
    public ExecutionProvider Provider => _session.Provider;
    private readonly BatchedRunner _runner;
    private readonly ModelCard _card;

    public MoveNetEstimator(ModelCard card, string onnxPath, InferenceOptions? options = null)
    {
        if (card.Decoder != "movenet") throw new ModelCardException($"{card.Name}: decoder '{card.Decoder}' is not movenet");
        _card = card;
        Schema = KeypointSchema.ByName(card.KeypointSchema ?? "coco17");
        _session = InferenceSession.FromFile(onnxPath, options);
        _runner = new BatchedRunner(_session);
    }

    public KeypointSchema Schema { get; }

    /// <summary>Box padding before cropping.</summary>
    public double Padding { get; init; } = 1.25;

    /// <summary>Attach each person's heatmap (max over keypoints) to the result, for display.</summary>
    public bool CaptureHeatmaps { get; set; }

    private readonly List<TopDownCrop> _crops = [];

    public IReadOnlyList<PersonPose> Estimate(ReadOnlySpan<byte> rgb, int width, int height, int stride, IReadOnlyList<DetectedBox> persons)
    {
        if (persons.Count == 0) return [];
        var poses = new PoseBuffer();                                 // the caller's own poses
        Estimate(rgb, width, height, stride, persons, poses);
        return [.. poses.Poses];
    }

    /// <inheritdoc/>
    public void Estimate(ReadOnlySpan<byte> rgb, int width, int height, int stride, IReadOnlyList<DetectedBox> persons, PoseBuffer into)
    {
        into.Clear();
        if (persons.Count == 0) return;
        int w = _card.Input.Width, h = _card.Input.Height, n = persons.Count;
        var crops = _crops;                                           // one caller at a time, as the batch buffers
        crops.Clear();
        for (int i = 0; i < n; i++) crops.Add(TopDownCrop.FromBox(persons[i].Box, w, h, Padding));
        var batch = _runner.For(n);
        CropSampler.CropNhwcInt32(rgb, width, height, stride, crops, batch.Input.Span<int>());
        batch.Run();
        var outputs = batch.Outputs;
        var heat = outputs["heatmaps"];
        int k = (int)heat.Shape[1], cells = (int)heat.Shape[2];
        int plane = cells * cells;
        if (_keypoints.Length != k) _keypoints = new Keypoint[k];
        var keypoints = _keypoints;
        for (int i = 0; i < n; i++)
        {
            MoveNetDecoder.Decode(heat.Span<float>().Slice(i * k * plane, k * plane), outputs["centers"].Span<float>().Slice(i * plane, plane),
                outputs["regression"].Span<float>().Slice(i * 2 * k * plane, 2 * k * plane), outputs["offsets"].Span<float>().Slice(i * 2 * k * plane, 2 * k * plane),
                k, cells, w, h, keypoints);
            var toImage = crops[i].InputToImage;
            var pose = into.Add(k, persons[i].Box, persons[i].Score, 0);
            var inImage = pose.Keypoints;
            for (int j = 0; j < k; j++) inImage[j] = toImage.Apply(keypoints[j]);
            pose.Set(persons[i].Box, persons[i].Score, PosePrediction.Rescore(inImage, persons[i].Score), null);
            if (CaptureHeatmaps)
                PersonHeatmap.MaxOverKeypoints(heat.Span<float>().Slice(i * k * plane, k * plane), k, plane, into.AttachHeatmap(pose, cells, cells, toImage, w, h));
        }
    }

    private Keypoint[] _keypoints = [];

    /// <inheritdoc/>
    public void Prepare(int maxPeople)
    {
        for (int n = 1; n <= maxPeople; n++) _runner.For(n).Run();
    }

    public void Dispose()
    {
        _runner.Dispose();
        _session.Dispose();
    }
}
