using PoseLive.Interop.Torch;
using PoseLive.Training.Tensors;

namespace PoseLive.Training.Optim;

/// <summary>
/// Updates parameters from their accumulated gradients (torch.optim semantics: weight decay is added to the
/// gradient; parameters without a gradient are skipped). Per-parameter state tensors are owned and disposed here.
/// </summary>
public abstract class Optimizer : IDisposable
{
    protected Optimizer(IEnumerable<Tensor> parameters, double learningRate)
    {
        Parameters = parameters.ToList();
        LearningRate = learningRate;
    }

    public IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>Current learning rate; schedules set it each epoch.</summary>
    public double LearningRate { get; set; }

    /// <summary>Steps taken so far.</summary>
    public long StepCount { get; private set; }

    public void ZeroGrad()
    {
        foreach (var p in Parameters) p.ZeroGrad();
    }

    public void Step()
    {
        StepCount++;
        for (int i = 0; i < Parameters.Count; i++)
        {
            using var grad = Parameters[i].Grad;
            if (grad is null) continue;
            grad.DetachFromScope();
            Update(i, Parameters[i], grad);
        }
    }

    protected abstract void Update(int index, Tensor parameter, Tensor grad);

    /// <summary>A zero tensor shaped like <paramref name="like"/>, owned by the optimiser.</summary>
    protected static Tensor StateLike(Tensor like)
    {
        var t = Tensor.Take(TorchNative.pl_zeros_like(like.Handle, out var r), r, "zeros_like");
        t.DetachFromScope();
        return t;
    }

    protected abstract IEnumerable<Tensor?> State { get; }

    public void Dispose()
    {
        foreach (var t in State) t?.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>Stochastic gradient descent with optional (Nesterov) momentum and weight decay.</summary>
public sealed class Sgd(IEnumerable<Tensor> parameters, double learningRate, double momentum = 0, double weightDecay = 0, bool nesterov = false)
    : Optimizer(parameters, learningRate)
{
    private readonly Dictionary<int, Tensor> _buffers = [];

    protected override IEnumerable<Tensor?> State => _buffers.Values;

    protected override void Update(int index, Tensor parameter, Tensor grad)
    {
        bool first = false;
        if (momentum != 0 && !_buffers.ContainsKey(index)) { _buffers[index] = StateLike(parameter); first = true; }
        var buffer = momentum != 0 ? _buffers[index] : null;
        TorchError.Check(TorchNative.pl_sgd_step(parameter.Handle, grad.Handle, Tensor.OptionalHandle(buffer), LearningRate, momentum, weightDecay, nesterov ? 1 : 0, first ? 1 : 0), "sgd step");
        GC.KeepAlive(buffer);
    }
}

/// <summary>Adam (Kingma &amp; Ba) with bias correction; the optimiser the official pose repos train with.</summary>
public sealed class Adam(IEnumerable<Tensor> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0)
    : Optimizer(parameters, learningRate)
{
    private readonly Dictionary<int, (Tensor M, Tensor V, long Step)> _state = [];

    protected override IEnumerable<Tensor?> State => _state.Values.SelectMany(s => new[] { s.M, s.V });

    protected override void Update(int index, Tensor parameter, Tensor grad)
    {
        (Tensor M, Tensor V, long Step) s = _state.TryGetValue(index, out var existing) ? existing : (StateLike(parameter), StateLike(parameter), 0L);
        s.Step++;
        _state[index] = s;
        TorchError.Check(TorchNative.pl_adam_step(parameter.Handle, grad.Handle, s.M.Handle, s.V.Handle, s.Step, LearningRate, beta1, beta2, eps, weightDecay), "adam step");
    }
}

/// <summary>RMSprop (torch.optim defaults: alpha 0.99, eps 1e-8).</summary>
public sealed class RmsProp(IEnumerable<Tensor> parameters, double learningRate = 1e-2, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0)
    : Optimizer(parameters, learningRate)
{
    private readonly Dictionary<int, Tensor> _square = [];

    protected override IEnumerable<Tensor?> State => _square.Values;

    protected override void Update(int index, Tensor parameter, Tensor grad)
    {
        if (!_square.TryGetValue(index, out var sq)) _square[index] = sq = StateLike(parameter);
        TorchError.Check(TorchNative.pl_rmsprop_step(parameter.Handle, grad.Handle, sq.Handle, LearningRate, alpha, eps, weightDecay), "rmsprop step");
    }
}
