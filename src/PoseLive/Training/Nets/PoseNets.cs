using PoseLive.Pose.Geometry;
using PoseLive.Training.Modules;

namespace PoseLive.Training.Nets;

/// <summary>The top-down nets `poselive train` builds, by name, with what each needs of its input.</summary>
public static class PoseNets
{
    public static IReadOnlyList<string> Names { get; } =
        ["lpn50", "lpn101", "lpn152", "hrnet_w32", "hrnet_w48", "simplebaseline50", "simplebaseline101", "simplebaseline152", "tiny"];

    /// <summary>
    /// A fresh net with <paramref name="outputs"/> heatmap channels (keypoints × channels per keypoint), or, for
    /// <c>onnx:PATH</c>, a served model made trainable (<see cref="Graph.ServedGraphNet"/>, its own weights).
    /// </summary>
    public static Module Create(string name, int outputs) => name switch
    {
        _ when Graph.ServedGraphNet.IsServed(name) => Graph.ServedGraphNet.Load(name[Graph.ServedGraphNet.Prefix.Length..]),
        "lpn50" => new Lpn(50, outputs),
        "lpn101" => new Lpn(101, outputs),
        "lpn152" => new Lpn(152, outputs),
        "hrnet_w32" => new HRNet(32, outputs),
        "hrnet_w48" => new HRNet(48, outputs),
        "simplebaseline50" => new SimpleBaseline(50, outputs),
        "simplebaseline101" => new SimpleBaseline(101, outputs),
        "simplebaseline152" => new SimpleBaseline(152, outputs),
        "tiny" => new TinyPoseNet(outputs),
        _ => throw new ArgumentException($"unknown net '{name}' (known: {string.Join(", ", Names)})"),
    };

    /// <summary>What both input sides must be a multiple of (the backbone's total stride).</summary>
    public static int InputMultiple(string name) => name == "tiny" ? 4 : Graph.ServedGraphNet.IsServed(name) ? 1 : 32;

    /// <summary>
    /// The input normalisation the official weights of the family were trained with (ImageNet statistics; BGR for
    /// SimpleBaseline/LPN, RGB for HRNet), so that `--init` from an official checkpoint sees what it expects.
    /// </summary>
    public static InputNormalization Normalization(string name) =>
        Graph.ServedGraphNet.IsServed(name) ? Graph.ServedGraphNet.NormalizationOf(Models.ModelCard.Load(Graph.ServedGraphNet.CardPath(name[Graph.ServedGraphNet.Prefix.Length..])))
        : name.StartsWith("hrnet", StringComparison.Ordinal) || name == "tiny" ? InputNormalization.ImageNetRgb : InputNormalization.ImageNetBgr;
}
