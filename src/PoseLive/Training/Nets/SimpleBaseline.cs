using PoseLive.Training.Export;
using PoseLive.Training.Modules;
using PoseLive.Training.Tensors;

namespace PoseLive.Training.Nets;

/// <summary>ResNet bottleneck (expansion 4, stride on the 3×3 conv as in the official pose_resnet), residual add, ReLU.</summary>
public sealed class ResNetBottleneck : Module
{
    public const int Expansion = 4;
    private readonly Conv2d _conv1, _conv2, _conv3;
    private readonly BatchNorm2d _bn1, _bn2, _bn3;
    private readonly Sequential? _downsample;

    public ResNetBottleneck(int inplanes, int planes, int stride, bool downsample)
    {
        _conv1 = RegisterModule("conv1", new Conv2d(inplanes, planes, 1, bias: false));
        _bn1 = RegisterModule("bn1", new BatchNorm2d(planes));
        _conv2 = RegisterModule("conv2", new Conv2d(planes, planes, 3, stride, 1, bias: false));
        _bn2 = RegisterModule("bn2", new BatchNorm2d(planes));
        _conv3 = RegisterModule("conv3", new Conv2d(planes, planes * Expansion, 1, bias: false));
        _bn3 = RegisterModule("bn3", new BatchNorm2d(planes * Expansion));
        if (downsample)
            _downsample = RegisterModule("downsample", new Sequential(new Conv2d(inplanes, planes * Expansion, 1, stride, bias: false), new BatchNorm2d(planes * Expansion)));
    }

    public override Tensor Forward(Tensor x) => Scoped(() =>
    {
        // In-place ReLUs and residual add, as the official block (none overwrites a value backward needs).
        var y = _bn1.Forward(_conv1.Forward(x)).ReluInPlace();
        y = _bn2.Forward(_conv2.Forward(y)).ReluInPlace();
        y = _bn3.Forward(_conv3.Forward(y));
        return y.AddInPlace(_downsample?.Forward(x) ?? x).ReluInPlace();
    });

    public override string ExportOnnx(OnnxExportContext context, string input)
    {
        var g = context.Graph;
        var y = g.Node("Relu", [context.Child("bn1", _bn1, context.Child("conv1", _conv1, input))]);
        y = g.Node("Relu", [context.Child("bn2", _bn2, context.Child("conv2", _conv2, y))]);
        y = context.Child("bn3", _bn3, context.Child("conv3", _conv3, y));
        var residual = _downsample is null ? input : context.Child("downsample", _downsample, input);
        return g.Node("Relu", [g.Node("Add", [y, residual])]);
    }
}

/// <summary>
/// SimpleBaseline (Xiao et al. 2018) as the official pose_resnet builds it: ResNet-50/101/152 backbone (stride 32),
/// three ungrouped 4×4 stride-2 deconvolutions of 256 channels each with BN-ReLU, and a 1×1 heatmap head (stride 4).
/// </summary>
public sealed class SimpleBaseline(int depth = 50, int keypoints = 17, int deconvFilters = 256, int deconvLayers = 3)
    : TopDownHeatmapNet(keypoints, BlocksFor(s_depths, depth, "SimpleBaseline"), [1, 2, 2, 2], ResNetBottleneck.Expansion,
        (inplanes, planes, stride, downsample) => new ResNetBottleneck(inplanes, planes, stride, downsample),
        deconvLayers, deconvFilters,
        (inplanes, filters) => [new ConvTranspose2d(inplanes, filters, 4, 2, 1, 0, 1, bias: false), new BatchNorm2d(filters), new ReLU(inPlace: true)])
{
    private static readonly Dictionary<int, int[]> s_depths = new() { [50] = [3, 4, 6, 3], [101] = [3, 4, 23, 3], [152] = [3, 8, 36, 3] };

    public int Depth { get; } = depth;
}
