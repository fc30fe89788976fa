using PoseLive.Training.Export;
using PoseLive.Training.Modules;
using PoseLive.Training.Tensors;

namespace PoseLive.Training.Nets;

/// <summary>
/// HRNet (Sun et al. 2019) as the official pose_hrnet builds it for COCO 256×192: stem of two stride-2 3×3 convs,
/// layer1 of four bottlenecks (256 channels), then stages 2–4 of <see cref="HighResolutionModule"/>s (1, 4 and 3
/// modules; 2, 3 and 4 branches of width W, 2W, 4W, 8W with four basic blocks each), transitions that adapt
/// channels or add a stride-2 branch, and a 1×1 head on the highest-resolution branch (stride 4).
/// W = 32 gives 28.54M parameters, W = 48 63.60M. State_dict names equal the official ones.
/// </summary>
public sealed class HRNet : Module
{
    private const int BlocksPerBranch = 4;
    private static readonly int[] s_modules = [1, 4, 3];

    private readonly Conv2d _conv1, _conv2, _final;
    private readonly BatchNorm2d _bn1, _bn2;
    private readonly Sequential _layer1;
    private readonly ModuleList[] _transitions = new ModuleList[3];
    private readonly List<HighResolutionModule>[] _stages = [[], [], []];

    public HRNet(int width = 32, int keypoints = 17, int finalKernel = 1)
    {
        if (width <= 0) throw new ArgumentOutOfRangeException(nameof(width), "HRNet width must be positive (32 or 48 in the paper)");
        Width = width;
        Keypoints = keypoints;
        _conv1 = RegisterModule("conv1", new Conv2d(3, 64, 3, 2, 1, bias: false));
        _bn1 = RegisterModule("bn1", new BatchNorm2d(64));
        _conv2 = RegisterModule("conv2", new Conv2d(64, 64, 3, 2, 1, bias: false));
        _bn2 = RegisterModule("bn2", new BatchNorm2d(64));
        RegisterModule("relu", new ReLU(inPlace: true));
        _layer1 = RegisterModule("layer1", new Sequential(
            Enumerable.Range(0, 4).Select(i => (Module)new ResNetBottleneck(i == 0 ? 64 : 256, 64, 1, i == 0)).ToArray()));

        int[] previous = [64 * ResNetBottleneck.Expansion];
        for (int s = 0; s < 3; s++)
        {
            int branches = s + 2;
            var channels = Enumerable.Range(0, branches).Select(b => width << b).ToArray();
            _transitions[s] = RegisterModule($"transition{s + 1}", Transition(previous, channels));
            var stage = RegisterModule($"stage{s + 2}", new ModuleList());
            for (int m = 0; m < s_modules[s]; m++)
            {
                bool multiScale = !(s == 2 && m == s_modules[s] - 1); // the last module of stage 4 keeps only the top branch
                var module = new HighResolutionModule(Enumerable.Repeat(BlocksPerBranch, branches).ToArray(), channels, channels, multiScale);
                stage.Add(module);
                _stages[s].Add(module);
            }
            previous = channels;
        }
        _final = RegisterModule("final_layer", new Conv2d(width, keypoints, finalKernel, 1, finalKernel == 3 ? 1 : 0));
    }

    public int Width { get; }

    public int Keypoints { get; }

    /// <summary>
    /// The official _make_transition_layer: an existing branch whose width changes gets 3×3 conv-BN-ReLU (none when
    /// equal); each new branch is built from the last previous one by stride-2 3×3 conv-BN-ReLU steps.
    /// </summary>
    private static ModuleList Transition(int[] previous, int[] current)
    {
        var list = new ModuleList();
        for (int i = 0; i < current.Length; i++)
        {
            if (i < previous.Length)
            {
                list.Add(current[i] != previous[i]
                    ? new Sequential(new Conv2d(previous[i], current[i], 3, 1, 1, bias: false), new BatchNorm2d(current[i]), new ReLU(inPlace: true))
                    : null);
                continue;
            }
            var steps = new Sequential();
            for (int j = 0; j < i + 1 - previous.Length; j++)
            {
                int inC = previous[^1], outC = j == i - previous.Length ? current[i] : inC;
                steps.Add(new Sequential(new Conv2d(inC, outC, 3, 2, 1, bias: false), new BatchNorm2d(outC), new ReLU(inPlace: true)));
            }
            list.Add(steps);
        }
        return list;
    }

    public override Tensor Forward(Tensor input) => Forward(input, null);

    /// <summary>
    /// Forward pass; <paramref name="probe"/> sees the outputs the official fixtures record (layer1, stageK[b] per
    /// branch — stage4 has one — and final_layer), to check every intermediate shape and localise a mismatch.
    /// </summary>
    public Tensor Forward(Tensor input, Action<string, Tensor>? probe) => Scoped(() =>
    {
        var x = _bn1.Forward(_conv1.Forward(input)).ReluInPlace();
        x = _bn2.Forward(_conv2.Forward(x)).ReluInPlace();
        IReadOnlyList<Tensor> y = [_layer1.Forward(x)];
        probe?.Invoke("layer1", y[0]);
        for (int s = 0; s < 3; s++)
        {
            var t = _transitions[s];
            // Existing branches pass through (or adapt); a new branch grows from the lowest-resolution output.
            var branches = new Tensor[t.Count];
            for (int b = 0; b < t.Count; b++)
                branches[b] = t[b] is { } step ? step.Forward(b < y.Count ? y[b] : y[^1]) : y[b];
            y = branches;
            foreach (var module in _stages[s]) y = module.Forward(y);
            for (int b = 0; b < y.Count && probe is not null; b++) probe(y.Count == 1 ? $"stage{s + 2}" : $"stage{s + 2}[{b}]", y[b]);
        }
        var heatmaps = _final.Forward(y[0]);
        probe?.Invoke("final_layer", heatmaps);
        return heatmaps;
    });

    public override string ExportOnnx(OnnxExportContext context, string input)
    {
        var g = context.Graph;
        var x = g.Node("Relu", [context.Child("bn1", _bn1, context.Child("conv1", _conv1, input))]);
        x = g.Node("Relu", [context.Child("bn2", _bn2, context.Child("conv2", _conv2, x))]);
        IReadOnlyList<string> y = [context.Child("layer1", _layer1, x)];
        for (int s = 0; s < 3; s++)
        {
            var t = _transitions[s];
            var branches = new string[t.Count];
            for (int b = 0; b < t.Count; b++)
                branches[b] = t[b] is { } step ? context.Child($"transition{s + 1}.{b}", step, b < y.Count ? y[b] : y[^1]) : y[b];
            y = branches;
            for (int m = 0; m < _stages[s].Count; m++)
            {
                var module = _stages[s][m];
                y = ChildModule(context, $"stage{s + 2}.{m}", module, y);
            }
        }
        return context.Child("final_layer", _final, y[0]);
    }

    private static IReadOnlyList<string> ChildModule(OnnxExportContext context, string name, HighResolutionModule module, IReadOnlyList<string> inputs)
    {
        context.Push(name);
        try { return module.ExportOnnx(context, inputs); }
        finally { context.Pop(); }
    }
}
