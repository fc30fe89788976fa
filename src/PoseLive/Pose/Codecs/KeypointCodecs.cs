namespace PoseLive.Pose.Codecs;

/// <summary>Codecs by name, as model cards name them.</summary>
public static class KeypointCodecs
{
    public static readonly string[] Names = ["msra", "dark", "udp", "soft-argmax", "regression-offset"];

    public static IKeypointCodec Create(string name, int inputWidth, int inputHeight, int heatmapWidth, int heatmapHeight, double sigma = 2.0) =>
        name switch
        {
            "msra" => new MsraHeatmapCodec(inputWidth, inputHeight, heatmapWidth, heatmapHeight, sigma),
            "dark" => new DarkCodec(inputWidth, inputHeight, heatmapWidth, heatmapHeight, sigma),
            "udp" => new UdpCodec(inputWidth, inputHeight, heatmapWidth, heatmapHeight),
            "soft-argmax" => new SoftArgmaxCodec(inputWidth, inputHeight, heatmapWidth, heatmapHeight, sigma),
            "regression-offset" => new RegressionOffsetCodec(inputWidth, inputHeight, heatmapWidth, heatmapHeight, sigma),
            _ => throw new ArgumentException($"Unknown keypoint codec '{name}' (known: {string.Join(", ", Names)})."),
        };
}
