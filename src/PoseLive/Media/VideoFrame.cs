namespace PoseLive.Media;

/// <summary>
/// A decoded, converted video frame from a <see cref="FramePool"/>: pixels in <see cref="Format"/> with
/// padded rows (<see cref="Stride"/>), its media timestamp (<see cref="Pts"/> in <see cref="TimeBase"/>
/// ticks) and its index in decode order. Dispose returns it to its pool; do not touch it afterwards.
/// </summary>
public sealed class VideoFrame : IDisposable
{
    private readonly FramePool? _pool;
    private readonly int[] _planeOffsets;
    private int _rented;

    internal VideoFrame(FramePool? pool, int width, int height, PixelFormat format)
    {
        _pool = pool;
        Width = width;
        Height = height;
        Format = format;
        Buffer = new byte[format.BufferSize(width, height)];
        _planeOffsets = new int[format.PlaneCount()];
        for (int p = 1; p < _planeOffsets.Length; p++)
            _planeOffsets[p] = _planeOffsets[p - 1] + format.PlaneBytes(p - 1, width, height) + PixelFormats.PlanePadding;
    }

    /// <summary>A frame that belongs to no pool (tests, stills).</summary>
    public static VideoFrame CreateUnpooled(int width, int height, PixelFormat format) => new(null, width, height, format);

    public int Width { get; }
    public int Height { get; }
    public PixelFormat Format { get; }

    /// <summary>Backing memory of all planes.</summary>
    public byte[] Buffer { get; }

    /// <summary>Row stride of plane 0 in bytes.</summary>
    public int Stride => Format.PlaneStride(0, Width, Height);

    /// <summary>Presentation timestamp in <see cref="TimeBase"/> ticks.</summary>
    public long Pts { get; set; }

    public Rational TimeBase { get; set; }

    /// <summary>Index of the frame in decode order (after a seek: estimated from the timestamp).</summary>
    public long Index { get; set; }

    public bool KeyFrame { get; set; }

    /// <summary>Media time of the frame.</summary>
    public TimeSpan Timestamp => TimeBase.ToTimeSpan(Pts);

    /// <summary>Media time in seconds.</summary>
    public double Seconds => TimeBase.Seconds(Pts);

    /// <summary>The media time as PTS and time base.</summary>
    public MediaTime Time => new(Pts, TimeBase);

    /// <summary>Plane <paramref name="plane"/> (0 for packed formats; Y, U, V for <see cref="PixelFormat.Yuv420p"/>).</summary>
    public Span<byte> Plane(int plane)
    {
        if ((uint)plane >= (uint)_planeOffsets.Length) throw new ArgumentOutOfRangeException(nameof(plane));
        return Buffer.AsSpan(_planeOffsets[plane], Format.PlaneBytes(plane, Width, Height));
    }

    /// <summary>Plane <paramref name="plane"/> with its <see cref="PixelFormats.PlanePadding"/> slack, for native converters to write into.</summary>
    internal Span<byte> PaddedPlane(int plane)
    {
        if ((uint)plane >= (uint)_planeOffsets.Length) throw new ArgumentOutOfRangeException(nameof(plane));
        return Buffer.AsSpan(_planeOffsets[plane], Format.PlaneBytes(plane, Width, Height) + PixelFormats.PlanePadding);
    }

    public int PlaneStride(int plane) => Format.PlaneStride(plane, Width, Height);

    /// <summary>The pixels of row <paramref name="y"/> of plane 0 (without padding).</summary>
    public Span<byte> Row(int y)
    {
        if ((uint)y >= (uint)Height) throw new ArgumentOutOfRangeException(nameof(y));
        return Buffer.AsSpan(y * Stride, Width * Format.BytesPerPixel());
    }

    internal void MarkRented() => Volatile.Write(ref _rented, 1);

    /// <summary>Returns the frame to its pool (idempotent).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _rented, 0) == 1) _pool?.Return(this);
    }
}
