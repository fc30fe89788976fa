using PoseLive.Training.Modules;
using PoseLive.Training.Tensors;

namespace PoseLive.Training.Nets;

/// <summary>
/// A small stride-4 heatmap net (about 0.2M parameters): two strided Conv-BN-ReLU stages, three 3×3 Conv-BN-ReLU
/// layers and a 1×1 output. For quick experiments and the test suite's overfitting checks; not a served architecture.
/// </summary>
public sealed class TinyPoseNet : Module
{
    private readonly Sequential _body;

    public TinyPoseNet(int outputs = 17, int width = 64)
    {
        Outputs = outputs;
        _body = RegisterModule("body", new Sequential(
            new Conv2d(3, width / 2, 3, 2, 1, bias: false), new BatchNorm2d(width / 2), new ReLU(inPlace: true),
            new Conv2d(width / 2, width, 3, 2, 1, bias: false), new BatchNorm2d(width), new ReLU(inPlace: true),
            new Conv2d(width, width, 3, 1, 1, bias: false), new BatchNorm2d(width), new ReLU(inPlace: true),
            new Conv2d(width, width, 3, 1, 1, bias: false), new BatchNorm2d(width), new ReLU(inPlace: true),
            new Conv2d(width, width, 3, 1, 1, bias: false), new BatchNorm2d(width), new ReLU(inPlace: true),
            new Conv2d(width, outputs, 1)));
    }

    public int Outputs { get; }

    public override Tensor Forward(Tensor input) => _body.Forward(input);

    public override string ExportOnnx(Export.OnnxExportContext context, string input) => context.Child("body", _body, input);
}
