namespace PoseLive.Pipeline.Live;

/// <summary>
/// A one-slot hand-off between live stages that never queues: <see cref="Post"/> replaces an item not yet taken
/// (handing the replaced one to the drop callback, which returns its frame to the pool), <see cref="TryTake"/> waits
/// for the newest. So a slow consumer sees the latest frame, never a backlog, and the producer never waits. Items
/// may be structs: nothing is allocated per item.
/// </summary>
internal sealed class LatestMailbox<T>(Action<T> dropped)
{
    private readonly object _lock = new();
    private T _item = default!;
    private bool _full, _completed;

    /// <summary>Leaves <paramref name="item"/> for the consumer; an unread item is dropped. After <see cref="Complete"/>, <paramref name="item"/> itself is.</summary>
    public void Post(T item)
    {
        T old;
        bool drop;
        lock (_lock)
        {
            if (_completed) { old = item; drop = true; }
            else
            {
                (old, drop) = (_item, _full);
                (_item, _full) = (item, true);
                Monitor.Pulse(_lock);
            }
        }
        if (drop) dropped(old);
    }

    /// <summary>No more items: <see cref="TryTake"/> returns what is left, then false.</summary>
    public void Complete()
    {
        lock (_lock)
        {
            _completed = true;
            Monitor.PulseAll(_lock);
        }
    }

    /// <summary>The newest item, waiting for one; false once completed and empty.</summary>
    public bool TryTake(out T item)
    {
        lock (_lock)
        {
            while (!_full && !_completed) Monitor.Wait(_lock);
            item = _item;
            bool had = _full;
            (_item, _full) = (default!, false);
            return had;
        }
    }

    /// <summary>Drops an item left behind (a stopped run).</summary>
    public void Clear()
    {
        T old;
        bool had;
        lock (_lock) { (old, had) = (_item, _full); (_item, _full) = (default!, false); }
        if (had) dropped(old);
    }
}
