using PoseLive.Detection;
using PoseLive.Inference;
using PoseLive.Models;
using PoseLive.Pose;
using PoseLive.Pose.Codecs;
using PoseLive.Pose.Geometry;

namespace PoseLive.Estimation;

/// <summary>
/// Generic top-down heatmap network (HRNet, LPN, SimpleBaseline ONNX: [N, 3, H, W] in, [N, K(·C), H/4, W/4]
/// out): crops in the codec's convention, normalisation and colour order from the card, batched run,
/// optional flip test (mirror input, flip back with the schema's pairs, average), decoding by the
/// card's codec, mapping back to the image.
/// </summary>
public sealed class HeatmapPoseEstimator : IPoseEstimator
{
    private readonly InferenceSession _session;

    /// <summary>Where the net runs (the execution provider its session resolved to).</summary>
    public ExecutionProvider Provider => _session.Provider;
    private readonly BatchedRunner _runner;
    private readonly ModelCard _card;
    private readonly IKeypointCodec _codec;
    private readonly InputNormalization _normalization;
    private readonly string _outputName;

    public HeatmapPoseEstimator(ModelCard card, string onnxPath, InferenceOptions? options = null, bool flipTest = false)
    {
        if (card.Input.Layout != "NCHW" || card.Input.Dtype != "float32") throw new ModelCardException($"{card.Name}: heatmap estimators need an NCHW float32 input");
        _card = card;
        Schema = KeypointSchema.ByName(card.KeypointSchema ?? "coco17");
        _codec = KeypointCodecs.Create(card.Decoder, card.Input.Width, card.Input.Height, card.Input.Width / card.HeatmapStride, card.Input.Height / card.HeatmapStride);
        _normalization = new InputNormalization(card.Input.Mean, card.Input.Std, card.Input.ColorOrder == "BGR" ? ChannelOrder.Bgr : ChannelOrder.Rgb);
        _session = InferenceSession.FromFile(onnxPath, options);
        _outputName = _session.Outputs[0].Name;
        _runner = new BatchedRunner(_session);
        FlipTestEnabled = flipTest;
    }

    public KeypointSchema Schema { get; }
    public bool FlipTestEnabled { get; }
    public bool CaptureHeatmaps { get; set; }
    public FlipAlignment FlipAlignment => TopDownDecoding.FlipAlignmentFor(_codec);

    public IReadOnlyList<PersonPose> Estimate(ReadOnlySpan<byte> rgb, int width, int height, int stride, IReadOnlyList<DetectedBox> persons)
    {
        if (persons.Count == 0) return [];
        int w = _card.Input.Width, h = _card.Input.Height, n = persons.Count;
        var crops = persons.Select(p => TopDownCrop.FromBox(p.Box, w, h, convention: _codec.Convention)).ToArray();
        int batch = FlipTestEnabled ? 2 * n : n;
        var prepared = _runner.For(batch);
        var input = prepared.Input.Span<float>();
        AffineCropper.Crop(rgb, width, height, stride, crops, _normalization, input); // as training and validation crop
        if (FlipTestEnabled)
            for (int i = 0; i < n; i++) FlipTest.MirrorPlanes(input.Slice(i * 3 * h * w, 3 * h * w), input.Slice((n + i) * 3 * h * w, 3 * h * w), w, h);
        prepared.Run();
        var outputs = prepared.Outputs;
        {
            var output = outputs[_outputName];
            int per = (int)(output.ElementCount / batch);
            var data = output.Span<float>();
            int k = per / (_codec.ChannelsPerKeypoint * _codec.HeatmapWidth * _codec.HeatmapHeight);
            var flipIndex = Schema.FlipIndex();
            var back = new float[per];
            var keypoints = new Keypoint[k];
            var result = new List<PersonPose>(n);
            for (int i = 0; i < n; i++)
            {
                var own = data.Slice(i * per, per);
                var inImage = TopDownDecoding.ToImage(_codec, own, FlipTestEnabled ? data.Slice((n + i) * per, per) : default, flipIndex, crops[i], back, keypoints);
                var toImage = crops[i].InputToImage;
                int plane = _codec.HeatmapWidth * _codec.HeatmapHeight;
                result.Add(new PersonPose(inImage, persons[i].Box, persons[i].Score, new PosePrediction(inImage, persons[i].Score, persons[i].Box.Area).Rescored())
                {
                    Heatmap = CaptureHeatmaps && _codec.ChannelsPerKeypoint == 1
                        ? new PersonHeatmap(PersonHeatmap.MaxOverKeypoints(own, k, plane), _codec.HeatmapWidth, _codec.HeatmapHeight, toImage, w, h)
                        : null,
                });
            }
            return result;
        }
    }

    /// <inheritdoc/>
    public void Prepare(int maxPeople)
    {
        for (int n = 1; n <= maxPeople; n++) _runner.For(FlipTestEnabled ? 2 * n : n).Run();
    }

    public void Dispose()
    {
        _runner.Dispose();
        _session.Dispose();
    }
}
