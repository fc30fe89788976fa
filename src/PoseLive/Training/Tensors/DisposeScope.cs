namespace PoseLive.Training.Tensors;

/// <summary>
/// Collects every <see cref="Tensor"/> created on this thread while it is the innermost open scope and disposes
/// them with it (TorchSharp-style), except those handed out with <see cref="MoveToOuter"/>. Scopes nest.
/// </summary>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic] private static DisposeScope? t_current;

    private readonly DisposeScope? _outer;
    private readonly List<Tensor> _tensors = [];
    private bool _disposed;

    public DisposeScope()
    {
        _outer = t_current;
        t_current = this;
    }

    internal static DisposeScope? Current => t_current;

    internal void Track(Tensor tensor) => _tensors.Add(tensor);

    internal void Untrack(Tensor tensor) => _tensors.Remove(tensor);

    /// <summary>Keeps <paramref name="tensor"/> alive past this scope (it joins the outer scope, if any).</summary>
    public Tensor MoveToOuter(Tensor tensor)
    {
        tensor.DetachFromScope();
        tensor.AttachToScope(_outer);
        return tensor;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (t_current == this) t_current = _outer;
        foreach (var t in _tensors) t.Dispose();
        _tensors.Clear();
    }
}
