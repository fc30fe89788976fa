using PoseLive.Training.Checkpoints;
using PoseLive.Training.Export;
using PoseLive.Training.Tensors;

namespace PoseLive.Training.Modules;

/// <summary>
/// A network building block in the spirit of torch.nn.Module: named parameters, buffers and child modules in
/// registration order, so that <see cref="StateDict"/> yields exactly PyTorch's state_dict keys and order
/// (own parameters, own buffers, then each child, depth first). A module owns its tensors (they are taken out
/// of any <see cref="DisposeScope"/>) and disposes them, and its children, with itself.
/// </summary>
public abstract class Module : IDisposable
{
    private readonly List<(string Name, Tensor Tensor)> _parameters = [];
    private readonly List<(string Name, Tensor Tensor)> _buffers = [];
    private readonly List<(string Name, Module Module)> _children = [];
    private readonly List<Tensor> _constants = [];
    private bool _disposed;

    /// <summary>Training mode (batch statistics, running-stat updates) versus evaluation mode.</summary>
    public bool IsTraining { get; private set; } = true;

    public abstract Tensor Forward(Tensor input);

    /// <summary>Writes this module's inference computation (evaluation mode) into an ONNX graph; returns the output name.</summary>
    public virtual string ExportOnnx(OnnxExportContext context, string input) =>
        throw new NotSupportedException($"{GetType().Name} ({context.Prefix.TrimEnd('.')}) has no ONNX export");

    /// <summary>
    /// Runs a forward body in its own <see cref="DisposeScope"/> and keeps only its result, so intermediates that
    /// autograd did not save are freed as soon as the body ends (as Python's reference counting does in PyTorch);
    /// saved ones live on inside the graph until backward.
    /// </summary>
    protected static Tensor Scoped(Func<Tensor> body)
    {
        using var scope = new DisposeScope();
        return scope.MoveToOuter(body());
    }

    protected Tensor RegisterParameter(string name, Tensor tensor)
    {
        tensor.DetachFromScope();
        tensor.RequiresGrad = true;
        _parameters.Add((name, tensor));
        return tensor;
    }

    protected Tensor RegisterBuffer(string name, Tensor tensor)
    {
        tensor.DetachFromScope();
        _buffers.Add((name, tensor));
        return tensor;
    }

    /// <summary>Owns a fixed tensor that is neither a parameter nor state (not in <see cref="StateDict"/>); disposed with the module.</summary>
    protected Tensor RegisterConstant(Tensor tensor)
    {
        tensor.DetachFromScope();
        _constants.Add(tensor);
        return tensor;
    }

    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        _children.Add((name, module));
        return module;
    }

    public IEnumerable<(string Name, Module Module)> Children => _children;

    /// <summary>This module and all its descendants, depth first.</summary>
    public IEnumerable<Module> Modules()
    {
        yield return this;
        foreach (var (_, c) in _children)
            foreach (var m in c.Modules()) yield return m;
    }

    public IEnumerable<(string Name, Tensor Tensor)> NamedParameters(string prefix = "")
    {
        foreach (var (n, t) in _parameters) yield return (prefix + n, t);
        foreach (var (n, m) in _children)
            foreach (var p in m.NamedParameters($"{prefix}{n}.")) yield return p;
    }

    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Tensor);

    /// <summary>Parameters and buffers under their PyTorch state_dict names, in PyTorch's order.</summary>
    public IEnumerable<(string Name, Tensor Tensor)> StateDict(string prefix = "")
    {
        foreach (var (n, t) in _parameters) yield return (prefix + n, t);
        foreach (var (n, t) in _buffers) yield return (prefix + n, t);
        foreach (var (n, m) in _children)
            foreach (var p in m.StateDict($"{prefix}{n}.")) yield return p;
    }

    /// <summary>Number of trainable values (what papers report as "#Params").</summary>
    public long ParameterCount => Parameters().Sum(p => p.ElementCount);

    public Module Train(bool on = true)
    {
        IsTraining = on;
        foreach (var (_, m) in _children) m.Train(on);
        return this;
    }

    public Module Eval() => Train(false);

    /// <summary>Converts every floating-point parameter and buffer to <paramref name="dtype"/> in place (PyTorch's <c>.double()</c> / <c>.float()</c>).</summary>
    public Module To(DType dtype)
    {
        if (dtype is not (DType.Float32 or DType.Float64 or DType.Float16)) throw new ArgumentException($"modules hold floating-point tensors, not {dtype}", nameof(dtype));
        foreach (var (_, t) in StateDict())
        {
            if (t.DType is not (DType.Float32 or DType.Float64 or DType.Float16) || t.DType == dtype) continue;
            using var detached = t.Detach();
            using var converted = detached.To(dtype);
            t.SetData(converted);
        }
        return this;
    }

    /// <summary>Moves every parameter and buffer to <paramref name="device"/> in place (the tensors keep their identity).</summary>
    public Module To(Device device)
    {
        foreach (var (_, t) in StateDict())
        {
            if (t.Device == device) continue;
            using var moved = t.To(device);
            t.SetData(moved);
        }
        return this;
    }

    /// <summary>
    /// Copies checkpoint tensors into the parameters and buffers with the same names. Shapes must agree; with
    /// <paramref name="strict"/>, missing or unexpected keys are an error listing them (like load_state_dict).
    /// </summary>
    public StateDictLoadReport LoadStateDict(IEnumerable<CheckpointTensor> tensors, bool strict = true)
    {
        var own = StateDict().ToDictionary(p => p.Name, p => p.Tensor);
        var unexpected = new List<string>();
        var loaded = new HashSet<string>();
        foreach (var ct in tensors)
        {
            if (!own.TryGetValue(ct.Name, out var target)) { unexpected.Add(ct.Name); continue; }
            var shape = target.Shape;
            if (!shape.SequenceEqual(ct.Shape))
                throw new CheckpointFormatException($"'{ct.Name}': checkpoint shape [{string.Join(", ", ct.Shape)}] does not match the model's [{string.Join(", ", shape)}]");
            if (target.DType == DType.Int64) target.CopyFrom(ct.Data is long[] l ? l : ct.ToFloats().Select(v => (long)v).ToArray());
            else target.CopyFrom(ct.ToFloats());
            loaded.Add(ct.Name);
        }
        var missing = own.Keys.Where(k => !loaded.Contains(k)).ToList();
        var report = new StateDictLoadReport(loaded.Count, missing, unexpected);
        if (strict && (missing.Count > 0 || unexpected.Count > 0))
            throw new CheckpointFormatException($"state_dict does not match the model: {report}");
        return report;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var (_, t) in _parameters) t.Dispose();
        foreach (var (_, t) in _buffers) t.Dispose();
        foreach (var t in _constants) t.Dispose();
        foreach (var (_, m) in _children) m.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>What <see cref="Module.LoadStateDict"/> did: entries loaded, model keys left missing, checkpoint keys unused.</summary>
public sealed record StateDictLoadReport(int Loaded, IReadOnlyList<string> Missing, IReadOnlyList<string> Unexpected)
{
    public override string ToString() =>
        $"{Loaded} loaded; missing {Missing.Count}{(Missing.Count > 0 ? " (" + string.Join(", ", Missing.Take(5)) + (Missing.Count > 5 ? ", …" : "") + ")" : "")}; " +
        $"unexpected {Unexpected.Count}{(Unexpected.Count > 0 ? " (" + string.Join(", ", Unexpected.Take(5)) + (Unexpected.Count > 5 ? ", …" : "") + ")" : "")}";
}
