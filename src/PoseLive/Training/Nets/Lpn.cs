using PoseLive.Onnx;
using PoseLive.Training.Export;
using PoseLive.Training.Modules;
using PoseLive.Training.Tensors;

namespace PoseLive.Training.Nets;

/// <summary>
/// GC block of LPN (global context, 'att' pooling, 'channel_add' fusion): context = Σ_p softmax_p(conv_mask(x))·x_p,
/// out = x + channel_add_conv(context), channel_add_conv = 1×1 conv → LayerNorm([planes,1,1]) → ReLU → 1×1 conv.
/// </summary>
public sealed class GcBlock : Module
{
    private readonly Conv2d _convMask;
    private readonly Sequential _channelAdd;

    private readonly int _channels;

    public GcBlock(int inplanes, int planes)
    {
        _channels = inplanes;
        _convMask = RegisterModule("conv_mask", new Conv2d(inplanes, 1, 1));
        _channelAdd = RegisterModule("channel_add_conv", new Sequential(
            new Conv2d(inplanes, planes, 1), new LayerNorm([planes, 1, 1]), new ReLU(inPlace: true), new Conv2d(planes, inplanes, 1)));
    }

    public override Tensor Forward(Tensor x) => Scoped(() =>
    {
        var s = x.Shape;
        long n = s[0], c = s[1], hw = s[2] * s[3];
        var values = x.Reshape(n, 1, c, hw);
        var mask = _convMask.Forward(x).Reshape(n, 1, hw).Softmax(2).Reshape(n, 1, hw, 1);
        var context = values.MatMul(mask).Reshape(n, c, 1, 1);
        return x + _channelAdd.Forward(context);
    });

    public override string ExportOnnx(OnnxExportContext context, string input)
    {
        long c = _channels;
        var g = context.Graph;
        // Reshape's 0 copies the (dynamic) batch dimension.
        var values = g.Node("Reshape", [input, context.Constant("values_shape", [0, 1, c, -1])]);
        var mask = context.Child("conv_mask", _convMask, input);
        mask = g.Node("Reshape", [mask, context.Constant("mask_shape", [0, 1, -1])]);
        mask = g.Node("Softmax", [mask], AttributeProto.Int("axis", 2));
        mask = g.Node("Reshape", [mask, context.Constant("mask_column", [0, 1, -1, 1])]);
        var pooled = g.Node("Reshape", [g.Node("MatMul", [values, mask]), context.Constant("context_shape", [0, c, 1, 1])]);
        return g.Node("Add", [input, context.Child("channel_add_conv", _channelAdd, pooled)]);
    }
}

/// <summary>LPN's lightweight bottleneck: 1×1 → depthwise 3×3 (stride) → 1×1, each with BN, then GC attention, residual add.</summary>
public sealed class LwBottleneck : Module
{
    private readonly Conv2d _conv1, _conv2, _conv3;
    private readonly BatchNorm2d _bn1, _bn2, _bn3;
    private readonly Sequential? _downsample;
    private readonly GcBlock _att;

    public LwBottleneck(int inplanes, int planes, int stride, bool downsample)
    {
        _conv1 = RegisterModule("conv1", new Conv2d(inplanes, planes, 1, bias: false));
        _bn1 = RegisterModule("bn1", new BatchNorm2d(planes));
        _conv2 = RegisterModule("conv2", new Conv2d(planes, planes, 3, stride, 1, groups: planes, bias: false));
        _bn2 = RegisterModule("bn2", new BatchNorm2d(planes));
        _conv3 = RegisterModule("conv3", new Conv2d(planes, planes, 1, bias: false));
        _bn3 = RegisterModule("bn3", new BatchNorm2d(planes));
        if (downsample)
            _downsample = RegisterModule("downsample", new Sequential(new Conv2d(inplanes, planes, 1, stride, bias: false), new BatchNorm2d(planes)));
        _att = RegisterModule("att", new GcBlock(planes, Math.Max(16, planes / 16)));
    }

    public override Tensor Forward(Tensor x) => Scoped(() =>
    {
        var y = _bn1.Forward(_conv1.Forward(x)).ReluInPlace();
        y = _bn2.Forward(_conv2.Forward(y)).ReluInPlace();
        y = _att.Forward(_bn3.Forward(_conv3.Forward(y)));
        return y.AddInPlace(_downsample?.Forward(x) ?? x).ReluInPlace();
    });

    public override string ExportOnnx(OnnxExportContext context, string input)
    {
        var g = context.Graph;
        var y = g.Node("Relu", [context.Child("bn1", _bn1, context.Child("conv1", _conv1, input))]);
        y = g.Node("Relu", [context.Child("bn2", _bn2, context.Child("conv2", _conv2, y))]);
        y = context.Child("att", _att, context.Child("bn3", _bn3, context.Child("conv3", _conv3, y)));
        var residual = _downsample is null ? input : context.Child("downsample", _downsample, input);
        return g.Node("Relu", [g.Node("Add", [y, residual])]);
    }
}

/// <summary>
/// LPN (Lightweight Pose Network, Zhang et al. 2019), as the official lpn-pytorch code builds it: ResNet-style stem,
/// four stages of <see cref="LwBottleneck"/> (layer4 stride 1, so the backbone ends at 1/16), two grouped
/// deconvolutions (groups = gcd(in, out)) each followed by BN-ReLU-1×1 conv-BN-ReLU, and a 1×1 heatmap head.
/// State_dict names equal the official ones.
/// </summary>
public sealed class Lpn(int depth = 50, int keypoints = 17, int deconvFilters = 256, int deconvLayers = 2)
    : TopDownHeatmapNet(keypoints, BlocksFor(s_depths, depth, "LPN"), [1, 2, 2, 1], 1,
        (inplanes, planes, stride, downsample) => new LwBottleneck(inplanes, planes, stride, downsample),
        deconvLayers, deconvFilters,
        (inplanes, filters) =>
        [
            new ConvTranspose2d(inplanes, filters, 4, 2, 1, 0, Gcd(inplanes, filters), bias: false), new BatchNorm2d(filters), new ReLU(inPlace: true),
            new Conv2d(filters, filters, 1, bias: false), new BatchNorm2d(filters), new ReLU(inPlace: true),
        ])
{
    private static readonly Dictionary<int, int[]> s_depths = new() { [50] = [3, 4, 6, 3], [101] = [3, 4, 23, 3], [152] = [3, 8, 36, 3] };

    public int Depth { get; } = depth;

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);
}
