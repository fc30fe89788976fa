using PoseLive.Training.Export;
using PoseLive.Training.Modules;
using PoseLive.Training.Tensors;

namespace PoseLive.Training.Nets;

/// <summary>
/// The shape SimpleBaseline and LPN share (official registration order, hence state_dict names): ResNet stem
/// (conv1 7×7/2, bn1, relu, maxpool 3×3/2), layer1..layer4 of residual blocks, deconv_layers, and a 1×1
/// final_layer producing stride-4 heatmaps. Subclasses say which block, strides and deconvolution stack.
/// </summary>
public abstract class TopDownHeatmapNet : Module
{
    private readonly Conv2d _conv1;
    private readonly BatchNorm2d _bn1;
    private readonly MaxPool2d _maxpool;
    private readonly Sequential[] _layers = new Sequential[4];
    private readonly Sequential _deconv;
    private readonly Conv2d _final;

    /// <param name="blocks">blocks per stage</param>
    /// <param name="strides">stride of each stage's first block</param>
    /// <param name="expansion">output channels of a block = planes × expansion</param>
    /// <param name="block">(inplanes, planes, stride, downsample) → block</param>
    /// <param name="deconvStage">(inplanes, filters) → the layers of one upsampling step</param>
    protected TopDownHeatmapNet(int keypoints, int[] blocks, int[] strides, int expansion, Func<int, int, int, bool, Module> block,
        int deconvLayers, int deconvFilters, Func<int, int, Module[]> deconvStage)
    {
        Keypoints = keypoints;
        _conv1 = RegisterModule("conv1", new Conv2d(3, 64, 7, 2, 3, bias: false));
        _bn1 = RegisterModule("bn1", new BatchNorm2d(64));
        RegisterModule("relu", new ReLU(inPlace: true));
        _maxpool = RegisterModule("maxpool", new MaxPool2d(3, 2, 1));
        int inplanes = 64;
        int[] planes = [64, 128, 256, 512];
        for (int i = 0; i < 4; i++)
        {
            var layer = new Sequential();
            for (int b = 0; b < blocks[i]; b++)
            {
                int stride = b == 0 ? strides[i] : 1;
                layer.Add(block(inplanes, planes[i], stride, b == 0 && (stride != 1 || inplanes != planes[i] * expansion)));
                inplanes = planes[i] * expansion;
            }
            _layers[i] = RegisterModule($"layer{i + 1}", layer);
        }
        _deconv = new Sequential();
        for (int i = 0; i < deconvLayers; i++)
        {
            foreach (var m in deconvStage(inplanes, deconvFilters)) _deconv.Add(m);
            inplanes = deconvFilters;
        }
        RegisterModule("deconv_layers", _deconv);
        _final = RegisterModule("final_layer", new Conv2d(deconvFilters, keypoints, 1));
    }

    public int Keypoints { get; }

    public override Tensor Forward(Tensor input) => Forward(input, null);

    /// <summary>
    /// Forward pass; <paramref name="probe"/> sees each top-level module's output as the official fixtures record
    /// them (conv1, bn1 before its in-place ReLU, layer1..layer4, deconv_layers, final_layer).
    /// </summary>
    public Tensor Forward(Tensor input, Action<string, Tensor>? probe) => Scoped(() =>
    {
        var x = _conv1.Forward(input);
        probe?.Invoke("conv1", x);
        x = _bn1.Forward(x);
        probe?.Invoke("bn1", x);
        x = _maxpool.Forward(x.ReluInPlace());
        for (int i = 0; i < _layers.Length; i++)
        {
            x = _layers[i].Forward(x);
            probe?.Invoke($"layer{i + 1}", x);
        }
        x = _deconv.Forward(x);
        probe?.Invoke("deconv_layers", x);
        x = _final.Forward(x);
        probe?.Invoke("final_layer", x);
        return x;
    });

    public override string ExportOnnx(OnnxExportContext context, string input)
    {
        var x = context.Child("maxpool", _maxpool, context.Graph.Node("Relu", [context.Child("bn1", _bn1, context.Child("conv1", _conv1, input))]));
        for (int i = 0; i < 4; i++) x = context.Child($"layer{i + 1}", _layers[i], x);
        return context.Child("final_layer", _final, context.Child("deconv_layers", _deconv, x));
    }

    protected static int[] BlocksFor(IReadOnlyDictionary<int, int[]> depths, int depth, string net) =>
        depths.TryGetValue(depth, out var blocks) ? blocks
            : throw new ArgumentException($"{net} depth must be {string.Join(", ", depths.Keys)}, not {depth}", nameof(depth));
}
