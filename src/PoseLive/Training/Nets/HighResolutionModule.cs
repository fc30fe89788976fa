using PoseLive.Training.Export;
using PoseLive.Training.Modules;
using PoseLive.Training.Tensors;

namespace PoseLive.Training.Nets;

/// <summary>ResNet basic block (two 3×3 convs with BN, residual add, ReLU), HRNet's branch block.</summary>
public sealed class BasicBlock : Module
{
    private readonly Conv2d _conv1, _conv2;
    private readonly BatchNorm2d _bn1, _bn2;
    private readonly Sequential? _downsample;

    public BasicBlock(int inplanes, int planes, int stride = 1, bool downsample = false)
    {
        _conv1 = RegisterModule("conv1", new Conv2d(inplanes, planes, 3, stride, 1, bias: false));
        _bn1 = RegisterModule("bn1", new BatchNorm2d(planes));
        RegisterModule("relu", new ReLU(inPlace: true));
        _conv2 = RegisterModule("conv2", new Conv2d(planes, planes, 3, 1, 1, bias: false));
        _bn2 = RegisterModule("bn2", new BatchNorm2d(planes));
        if (downsample)
            _downsample = RegisterModule("downsample", new Sequential(new Conv2d(inplanes, planes, 1, stride, bias: false), new BatchNorm2d(planes)));
    }

    public override Tensor Forward(Tensor x) => Scoped(() =>
    {
        var y = _bn1.Forward(_conv1.Forward(x)).ReluInPlace();
        y = _bn2.Forward(_conv2.Forward(y));
        return y.AddInPlace(_downsample?.Forward(x) ?? x).ReluInPlace();
    });

    public override string ExportOnnx(OnnxExportContext context, string input)
    {
        var g = context.Graph;
        var y = g.Node("Relu", [context.Child("bn1", _bn1, context.Child("conv1", _conv1, input))]);
        y = context.Child("bn2", _bn2, context.Child("conv2", _conv2, y));
        var residual = _downsample is null ? input : context.Child("downsample", _downsample, input);
        return g.Node("Relu", [g.Node("Add", [y, residual])]);
    }
}

/// <summary>
/// One HRNet exchange unit, as the official HighResolutionModule: each branch runs its blocks at its own
/// resolution, then every output i sums all branches brought to branch i's resolution and channels — higher
/// resolutions by stride-2 3×3 convs (BN, ReLU between, none after the last), lower ones by a 1×1 conv, BN and
/// nearest upsampling by 2^(j−i) — followed by ReLU. With multiScaleOutput false only the highest resolution is produced.
/// </summary>
public sealed class HighResolutionModule : Module
{
    private readonly ModuleList _branches;
    private readonly ModuleList? _fuse;
    private readonly int _branchCount;

    /// <param name="inChannels">channels entering each branch</param>
    /// <param name="channels">block width of each branch (BasicBlock: output channels too)</param>
    public HighResolutionModule(int[] blocks, int[] inChannels, int[] channels, bool multiScaleOutput)
    {
        _branchCount = channels.Length;
        _branches = RegisterModule("branches", new ModuleList());
        for (int b = 0; b < _branchCount; b++)
        {
            var branch = new Sequential();
            for (int i = 0; i < blocks[b]; i++)
                branch.Add(new BasicBlock(i == 0 ? inChannels[b] : channels[b], channels[b], 1, i == 0 && inChannels[b] != channels[b]));
            _branches.Add(branch);
        }
        if (_branchCount > 1)
        {
            _fuse = RegisterModule("fuse_layers", new ModuleList());
            for (int i = 0; i < (multiScaleOutput ? _branchCount : 1); i++)
            {
                var row = new ModuleList();
                for (int j = 0; j < _branchCount; j++) row.Add(FuseStep(channels, j, i));
                _fuse.Add(row);
            }
        }
        RegisterModule("relu", new ReLU(inPlace: true));
        OutputChannels = channels;
    }

    /// <summary>Channels of each output branch.</summary>
    public int[] OutputChannels { get; }

    /// <summary>The path from branch <paramref name="from"/> to branch <paramref name="to"/>'s resolution (null on the diagonal).</summary>
    private static Module? FuseStep(int[] c, int from, int to)
    {
        if (from == to) return null;
        if (from > to)
            return new Sequential(new Conv2d(c[from], c[to], 1, bias: false), new BatchNorm2d(c[to]), new UpsampleNearest(1 << (from - to)));
        var down = new Sequential();
        for (int k = 0; k < to - from; k++)
        {
            bool last = k == to - from - 1;
            int outC = last ? c[to] : c[from];
            down.Add(last
                ? new Sequential(new Conv2d(c[from], outC, 3, 2, 1, bias: false), new BatchNorm2d(outC))
                : new Sequential(new Conv2d(c[from], outC, 3, 2, 1, bias: false), new BatchNorm2d(outC), new ReLU()));     // ReLU(False) in the official code
        }
        return down;
    }

    public override Tensor Forward(Tensor input) => throw new NotSupportedException("HighResolutionModule takes one tensor per branch: use Forward(IReadOnlyList<Tensor>)");

    /// <summary>Runs the branches and the fusion; the result has one tensor per output branch.</summary>
    public IReadOnlyList<Tensor> Forward(IReadOnlyList<Tensor> inputs)
    {
        if (inputs.Count != _branchCount) throw new ArgumentException($"expected {_branchCount} branch inputs, got {inputs.Count}", nameof(inputs));
        using var scope = new DisposeScope();
        var x = new Tensor[_branchCount];
        for (int b = 0; b < _branchCount; b++) x[b] = _branches[b]!.Forward(inputs[b]);
        if (_fuse is null) return [scope.MoveToOuter(x[0])];
        var outputs = new List<Tensor>(_fuse.Count);
        for (int i = 0; i < _fuse.Count; i++)
        {
            var row = (ModuleList)_fuse[i]!;
            var y = i == 0 ? x[0] : row[0]!.Forward(x[0]);
            for (int j = 1; j < _branchCount; j++) y = y + (i == j ? x[j] : row[j]!.Forward(x[j]));
            outputs.Add(y.ReluInPlace()); // y is a fresh sum here (at least one branch was added), never a branch output
        }
        foreach (var o in outputs) scope.MoveToOuter(o);
        return outputs;
    }

    public IReadOnlyList<string> ExportOnnx(OnnxExportContext context, IReadOnlyList<string> inputs)
    {
        var g = context.Graph;
        var x = new string[_branchCount];
        for (int b = 0; b < _branchCount; b++) x[b] = context.Child($"branches.{b}", _branches[b]!, inputs[b]);
        if (_fuse is null) return [x[0]];
        var outputs = new List<string>();
        for (int i = 0; i < _fuse.Count; i++)
        {
            var row = (ModuleList)_fuse[i]!;
            var y = i == 0 ? x[0] : context.Child($"fuse_layers.{i}.0", row[0]!, x[0]);
            for (int j = 1; j < _branchCount; j++)
                y = g.Node("Add", [y, i == j ? x[j] : context.Child($"fuse_layers.{i}.{j}", row[j]!, x[j])]);
            outputs.Add(g.Node("Relu", [y]));
        }
        return outputs;
    }
}
