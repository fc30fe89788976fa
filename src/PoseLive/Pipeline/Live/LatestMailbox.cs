namespace PoseLive.Pipeline.Live;

/// <summary>
/// A one-slot hand-off between live stages that never queues: <see cref="Post"/> replaces an item not yet taken
/// (handing the replaced one to the drop callback, which returns its frame to the pool), <see cref="Take"/> waits
/// for the newest. So a slow consumer sees the latest frame, never a backlog, and the producer never waits.
/// </summary>
internal sealed class LatestMailbox<T>(Action<T> dropped) where T : class
{
    private readonly object _lock = new();
    private T? _item;
    private bool _completed;

    /// <summary>Leaves <paramref name="item"/> for the consumer; an unread item is dropped. After <see cref="Complete"/>, <paramref name="item"/> itself is.</summary>
    public void Post(T item)
    {
        T? old;
        lock (_lock)
        {
            if (_completed) { old = item; }
            else
            {
                old = _item;
                _item = item;
                Monitor.Pulse(_lock);
            }
        }
        if (old is not null) dropped(old);
    }

    /// <summary>No more items: <see cref="Take"/> returns what is left, then null.</summary>
    public void Complete()
    {
        lock (_lock)
        {
            _completed = true;
            Monitor.PulseAll(_lock);
        }
    }

    /// <summary>The newest item, waiting for one; null once completed and empty.</summary>
    public T? Take()
    {
        lock (_lock)
        {
            while (_item is null && !_completed) Monitor.Wait(_lock);
            var item = _item;
            _item = null;
            return item;
        }
    }

    /// <summary>Drops an item left behind (a stopped run).</summary>
    public void Clear()
    {
        T? old;
        lock (_lock) { old = _item; _item = null; }
        if (old is not null) dropped(old);
    }
}
