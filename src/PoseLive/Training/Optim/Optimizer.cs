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

    /// <summary>The name torch.optim gives this optimiser's class ("Adam", "SGD", "RMSprop").</summary>
    public abstract string Kind { get; }

    /// <summary>Hyper-parameters as torch.optim's param_groups[0] holds them (lr included).</summary>
    public abstract IReadOnlyDictionary<string, double> Hyperparameters { get; }

    /// <summary>
    /// Per-parameter state as torch.optim's state_dict()["state"] names it (parameter index → entries such as
    /// exp_avg, exp_avg_sq, step, momentum_buffer, square_avg); tensors are the live state (copy before keeping).
    /// </summary>
    public IReadOnlyList<OptimizerStateEntry> SaveState()
    {
        var entries = new List<OptimizerStateEntry> { new(-1, "step_count", null, StepCount) };
        entries.AddRange(StateEntries().OrderBy(e => e.Index));
        return entries;
    }

    /// <summary>Restores state saved by <see cref="SaveState"/> (values copied, shapes checked against the parameters).</summary>
    public void LoadState(IEnumerable<OptimizerStateEntry> entries)
    {
        foreach (var e in entries)
        {
            if (e.Index == -1) { if (e.Name == "step_count") StepCount = e.Number; continue; }
            if ((uint)e.Index >= (uint)Parameters.Count) throw new ArgumentException($"optimiser state for parameter {e.Index}, but there are {Parameters.Count} parameters");
            if (e.Tensor is { } t && !t.Shape.SequenceEqual(Parameters[e.Index].Shape))
                throw new ArgumentException($"optimiser state '{e.Name}' of parameter {e.Index} has shape [{string.Join(", ", t.Shape)}], the parameter [{string.Join(", ", Parameters[e.Index].Shape)}]");
            Restore(e);
        }
    }

    protected abstract IEnumerable<OptimizerStateEntry> StateEntries();

    /// <summary>Takes one saved entry; tensors are copied into state the optimiser owns.</summary>
    protected abstract void Restore(OptimizerStateEntry entry);

    /// <summary>An owned copy of a saved state tensor.</summary>
    protected static Tensor OwnedCopy(Tensor source)
    {
        var t = source.Detach().Clone();
        t.DetachFromScope();
        return t;
    }

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

    public override string Kind => "SGD";

    public override IReadOnlyDictionary<string, double> Hyperparameters => new Dictionary<string, double>
    {
        ["lr"] = LearningRate, ["momentum"] = momentum, ["weight_decay"] = weightDecay, ["nesterov"] = nesterov ? 1 : 0,
    };

    protected override IEnumerable<OptimizerStateEntry> StateEntries() => _buffers.Select(b => new OptimizerStateEntry(b.Key, "momentum_buffer", b.Value, 0));

    protected override void Restore(OptimizerStateEntry entry)
    {
        if (entry.Name != "momentum_buffer" || entry.Tensor is null) throw new ArgumentException($"SGD has no state '{entry.Name}'");
        if (_buffers.Remove(entry.Index, out var old)) old.Dispose();
        _buffers[entry.Index] = OwnedCopy(entry.Tensor);
    }

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

    public override string Kind => "Adam";

    public override IReadOnlyDictionary<string, double> Hyperparameters => new Dictionary<string, double>
    {
        ["lr"] = LearningRate, ["beta1"] = beta1, ["beta2"] = beta2, ["eps"] = eps, ["weight_decay"] = weightDecay,
    };

    protected override IEnumerable<OptimizerStateEntry> StateEntries() => _state.SelectMany(p => new[]
    {
        new OptimizerStateEntry(p.Key, "step", null, p.Value.Step),
        new OptimizerStateEntry(p.Key, "exp_avg", p.Value.M, 0),
        new OptimizerStateEntry(p.Key, "exp_avg_sq", p.Value.V, 0),
    });

    protected override void Restore(OptimizerStateEntry entry)
    {
        (Tensor M, Tensor V, long Step) s = _state.TryGetValue(entry.Index, out var existing) ? existing : (StateLike(Parameters[entry.Index]), StateLike(Parameters[entry.Index]), 0L);
        switch (entry.Name)
        {
            case "step": s.Step = entry.Number; break;
            case "exp_avg" when entry.Tensor is not null: s.M.Dispose(); s.M = OwnedCopy(entry.Tensor); break;
            case "exp_avg_sq" when entry.Tensor is not null: s.V.Dispose(); s.V = OwnedCopy(entry.Tensor); break;
            default: throw new ArgumentException($"Adam has no state '{entry.Name}'");
        }
        _state[entry.Index] = s;
    }

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

    public override string Kind => "RMSprop";

    public override IReadOnlyDictionary<string, double> Hyperparameters => new Dictionary<string, double>
    {
        ["lr"] = LearningRate, ["alpha"] = alpha, ["eps"] = eps, ["weight_decay"] = weightDecay,
    };

    protected override IEnumerable<OptimizerStateEntry> StateEntries() => _square.Select(b => new OptimizerStateEntry(b.Key, "square_avg", b.Value, 0));

    protected override void Restore(OptimizerStateEntry entry)
    {
        if (entry.Name != "square_avg" || entry.Tensor is null) throw new ArgumentException($"RMSprop has no state '{entry.Name}'");
        if (_square.Remove(entry.Index, out var old)) old.Dispose();
        _square[entry.Index] = OwnedCopy(entry.Tensor);
    }

    protected override void Update(int index, Tensor parameter, Tensor grad)
    {
        if (!_square.TryGetValue(index, out var sq)) _square[index] = sq = StateLike(parameter);
        TorchError.Check(TorchNative.pl_rmsprop_step(parameter.Handle, grad.Handle, sq.Handle, LearningRate, alpha, eps, weightDecay), "rmsprop step");
    }
}

/// <summary>One entry of an optimiser's per-parameter state: a tensor (exp_avg, momentum_buffer, …) or a number (step).</summary>
public sealed record OptimizerStateEntry(int Index, string Name, Tensor? Tensor, long Number);
