namespace PoseLive.Media;

/// <summary>
/// Reusable frames of one size and format: renting takes a returned frame when one is free and only
/// allocates when none is, so a pipeline that returns its frames allocates nothing per frame in steady
/// state. <see cref="Allocated"/> counts the frames ever created (a leak shows as steady growth).
/// Thread-safe: frames are rented by the decoder and returned by whichever stage drops or finishes them.
/// </summary>
public sealed class FramePool
{
    private readonly Stack<VideoFrame> _free = new();
    private readonly object _lock = new();
    private int _allocated;

    public FramePool(int width, int height, PixelFormat format)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        Width = width;
        Height = height;
        Format = format;
    }

    public int Width { get; }
    public int Height { get; }
    public PixelFormat Format { get; }

    /// <summary>Frames created so far.</summary>
    public int Allocated => Volatile.Read(ref _allocated);

    /// <summary>Frames currently free in the pool.</summary>
    public int Free { get { lock (_lock) return _free.Count; } }

    /// <summary>
    /// Creates frames until <paramref name="count"/> exist, free in the pool: a consumer that knows how many it can hold
    /// at once (the live pipeline) allocates them up front, not mid-stream — each frame is a large-object allocation, and
    /// those are what start full collections.
    /// </summary>
    public void Reserve(int count)
    {
        while (Allocated < count) Return(Create());
    }

    public VideoFrame Rent()
    {
        VideoFrame? frame = null;
        lock (_lock)
            if (_free.Count > 0) frame = _free.Pop();
        frame ??= Create();
        frame.MarkRented();
        return frame;
    }

    private VideoFrame Create()
    {
        Interlocked.Increment(ref _allocated);
        return new VideoFrame(this, Width, Height, Format);
    }

    internal void Return(VideoFrame frame)
    {
        lock (_lock) _free.Push(frame);
    }
}
