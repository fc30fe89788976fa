using Silk.NET.OpenGL;

namespace PoseLive.Interop.Gl;

/// <summary>
/// Asynchronous readback of the bound framebuffer through a pixel-pack buffer: <see cref="Start"/> queues
/// glReadPixels into the buffer (returns at once) and a fence after it; <see cref="Finish"/> waits on the fence and
/// copies the pixels out. One instance per in-flight frame.
/// </summary>
internal sealed class GlReadback : IDisposable
{
    private readonly GL _gl;
    private readonly GlBuffer _buffer;
    private readonly int _bytes;
    private nint _fence;
    private int _disposed;

    public GlReadback(GL gl, int width, int height)
    {
        _gl = gl;
        _bytes = width * height * 4;
        Width = width;
        Height = height;
        _buffer = GlBuffer.Create(gl);
        Allocate();
    }

    public int Width { get; }
    public int Height { get; }

    private unsafe void Allocate() => _gl.NamedBufferData(_buffer.Id, (nuint)_bytes, null, BufferUsageARB.StreamRead);

    /// <summary>Queues the read of the bound framebuffer (RGBA8) into the buffer.</summary>
    public unsafe void Start()
    {
        _gl.BindBuffer(BufferTargetARB.PixelPackBuffer, _buffer.Id);
        _gl.PixelStore(PixelStoreParameter.PackAlignment, 1);
        _gl.ReadPixels(0, 0, (uint)Width, (uint)Height, PixelFormat.Rgba, PixelType.UnsignedByte, null); // offset 0 in the buffer
        _gl.BindBuffer(BufferTargetARB.PixelPackBuffer, 0);
        if (_fence != 0) _gl.DeleteSync(_fence);
        _fence = _gl.FenceSync(SyncCondition.SyncGpuCommandsComplete, SyncBehaviorFlags.None);
    }

    /// <summary>Waits for the read queued by <see cref="Start"/> and copies the pixels into <paramref name="pixels"/>.</summary>
    public void Finish(Span<byte> pixels)
    {
        if (pixels.Length != _bytes) throw new ArgumentException($"Readback needs {_bytes} bytes, got {pixels.Length}.", nameof(pixels));
        if (_fence != 0)
        {
            _gl.ClientWaitSync(_fence, SyncObjectMask.Bit, ulong.MaxValue);
            _gl.DeleteSync(_fence);
            _fence = 0;
        }
        _gl.GetNamedBufferSubData(_buffer.Id, 0, pixels);
        GlError.Check(_gl, "reading back a frame");
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        if (_fence != 0) _gl.DeleteSync(_fence);
        _buffer.Dispose();
    }
}
