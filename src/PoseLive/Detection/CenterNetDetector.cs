using PoseLive.Inference;
using PoseLive.Models;
using PoseLive.Pose.Geometry;

namespace PoseLive.Detection;

/// <summary>
/// Person detector over a CenterNet ONNX model described by a card: the whole frame is stretched to
/// the input size (bilinear, as the model was trained), run, and decoded in C# (person = class 0 by default).
/// </summary>
public sealed class CenterNetDetector : IPersonDetector
{
    private readonly InferenceSession _session;

    /// <summary>Where the net runs (the execution provider its session resolved to).</summary>
    public ExecutionProvider Provider => _session.Provider;
    private readonly BatchedRunner _runner;
    private readonly ModelCard _card;
    private readonly InputNormalization _normalization;
    private readonly string _heatmapName, _sizeName, _offsetName;
    private readonly Affine2D[] _map = new Affine2D[1];

    public CenterNetDetector(ModelCard card, string onnxPath, InferenceOptions? options = null, float scoreThreshold = 0.3f, IReadOnlySet<int>? classes = null)
    {
        if (card.Task != "detector") throw new ModelCardException($"{card.Name}: not a detector card (task {card.Task})");
        if (card.Input.Layout != "NHWC" || card.Input.Dtype != "float32") throw new ModelCardException($"{card.Name}: CenterNetDetector needs an NHWC float32 input");
        _card = card;
        Decoder = new CenterNetDecoder
        {
            Heads = card.Decoder == "centernet-ltrb" ? CenterNetHeads.Ltrb : card.Decoder == "centernet" ? CenterNetHeads.SizeOffset
                : throw new ModelCardException($"{card.Name}: decoder '{card.Decoder}' is not a CenterNet decoder"),
            Stride = card.HeatmapStride,
            ScoreThreshold = scoreThreshold,
            Classes = classes ?? new HashSet<int> { 0 },
        };
        _session = InferenceSession.FromFile(onnxPath, options);
        _normalization = new InputNormalization(card.Input.Mean, card.Input.Std, card.Input.ColorOrder == "BGR" ? ChannelOrder.Bgr : ChannelOrder.Rgb);
        _runner = new BatchedRunner(_session);
        _heatmapName = card.Outputs.ContainsKey("heatmap") ? "heatmap" : "hm";
        _sizeName = card.Outputs.ContainsKey("boxes") ? "boxes" : "wh";
        _offsetName = "reg";
    }

    public CenterNetDecoder Decoder { get; }

    public IReadOnlyList<DetectedBox> Detect(ReadOnlySpan<byte> rgb, int width, int height, int stride)
    {
        var boxes = new List<DetectedBox>();
        Detect(rgb, width, height, stride, boxes);
        return boxes;
    }

    /// <inheritdoc/>
    public void Detect(ReadOnlySpan<byte> rgb, int width, int height, int stride, List<DetectedBox> into)
    {
        int w = _card.Input.Width, h = _card.Input.Height;
        // stretch: input (x, y) samples the frame at (x·W/w, y·H/h) (tf.image.resizeBilinear without half-pixel centres)
        _map[0] = new Affine2D((double)width / w, 0, 0, 0, (double)height / h, 0);
        var batch = _runner.For(1);
        CropSampler.Warp(rgb, width, height, stride, _map, w, h, _normalization, batch.Input.Span<float>(), nhwc: true);
        batch.Run();
        var heat = batch.Outputs[_heatmapName];
        var shape = heat.Shape;
        ReadOnlySpan<float> offset = batch.Outputs.TryGetValue(_offsetName, out var reg) ? reg.Span<float>() : default;
        Decoder.Decode(heat.Span<float>(), (int)shape[1], (int)shape[2], (int)shape[3], batch.Outputs[_sizeName].Span<float>(), offset,
            (float)width / w, (float)height / h, into);
    }

    /// <summary>The model output of the last <see cref="Detect"/> (e.g. for rendering the heatmap).</summary>
    public OrtTensor LastHeatmap => _runner.For(1).Outputs[_heatmapName];

    public void Dispose()
    {
        _runner.Dispose();
        _session.Dispose();
    }
}
