namespace PoseLive.Pipeline.Live;

/// <summary>
/// A bounded first-in first-out hand-off for one producer and one blocking consumer thread: when full, the oldest
/// item is dropped (to the callback, which returns its frame) so the producer never waits. With capacity 1 it is the
/// latest-frame mailbox between capture and the pose stage: a slow consumer sees the newest frame, never a backlog.
/// A ring of fixed size holding structs or references: nothing is allocated per item (a channel read from a thread
/// would allocate a task per wait).
/// </summary>
internal sealed class DropOldestQueue<T>(int capacity, Action<T> dropped)
{
    private readonly object _lock = new();
    private readonly T[] _ring = new T[capacity];
    private int _head, _count;
    private bool _completed;

    /// <summary>Queues <paramref name="item"/>, dropping the oldest when full; false (item not taken) once completed.</summary>
    public bool TryWrite(T item)
    {
        T old = default!;
        bool drop = false;
        lock (_lock)
        {
            if (_completed) return false;
            if (_count == _ring.Length) (old, drop) = (Dequeue(), true);
            _ring[(_head + _count) % _ring.Length] = item;
            _count++;
            Monitor.Pulse(_lock);
        }
        if (drop) dropped(old);
        return true;
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

    /// <summary>Drops what is left (a stopped run), through the callback.</summary>
    public void Clear()
    {
        while (true)
        {
            T item;
            lock (_lock)
            {
                if (_count == 0) return;
                item = Dequeue();
            }
            dropped(item);
        }
    }

    /// <summary>The oldest item, waiting for one; false once completed and empty.</summary>
    public bool TryTake(out T item)
    {
        lock (_lock)
        {
            while (_count == 0 && !_completed) Monitor.Wait(_lock);
            if (_count == 0) { item = default!; return false; }
            item = Dequeue();
            return true;
        }
    }

    /// <summary>The oldest item, out of the ring (the slot cleared, so a dropped frame is not kept alive); under the lock.</summary>
    private T Dequeue()
    {
        var item = _ring[_head];
        _ring[_head] = default!;
        _head = (_head + 1) % _ring.Length;
        _count--;
        return item;
    }
}
