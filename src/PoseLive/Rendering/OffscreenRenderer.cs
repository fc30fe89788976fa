using PoseLive.Interop.Egl;
using PoseLive.Interop.Gl;
using PoseLive.Media;
using PoseLive.Pose;

namespace PoseLive.Rendering;

/// <summary>
/// Headless rendering (EGL, no display): draws each frame with <see cref="PoseRenderer"/> into a
/// framebuffer object and reads it back asynchronously through two pixel-pack buffers — frame N's pixels
/// are collected while frame N+1 renders — handing RGBA rows (top row first) to a callback. The GL
/// context is made current for each call, so calls may come from any thread, one at a time.
/// </summary>
public sealed unsafe class OffscreenRenderer : IDisposable
{
    private readonly EglContext _context;
    private readonly PoseRenderer _renderer;
    private readonly GlTexture _color;
    private readonly GlFramebuffer _framebuffer;
    private readonly GlBuffer[] _pbo;
    private readonly nint[] _fences = new nint[2];
    private readonly long[] _pending = [-1, -1];
    private readonly byte[] _pixels;
    private int _next;
    private long _submitted;

    public OffscreenRenderer(int width, int height, KeypointSchema schema, string? shaderDirectory = null)
    {
        Width = width;
        Height = height;
        _context = EglContext.Create();
        try
        {
            var gl = _context.Gl;
            _renderer = new PoseRenderer(gl, schema, shaderDirectory);
            _color = GlTexture.Create(gl, GlApi.GL_RGBA8, width, height, linear: false);
            _framebuffer = GlFramebuffer.Create(gl, _color);
            _pbo = [GlBuffer.Create(gl), GlBuffer.Create(gl)];
            foreach (var b in _pbo) gl.NamedBufferData(b.Id, width * height * 4, null, GlApi.GL_STREAM_READ);
            _pixels = new byte[width * height * 4];
            GlError.Check(gl, "creating the offscreen target");
            Renderer = _context.Gl.String(GlApi.GL_RENDERER);
        }
        finally
        {
            _context.Release();
        }
    }

    public int Width { get; }
    public int Height { get; }
    /// <summary>The GL renderer string (e.g. llvmpipe).</summary>
    public string Renderer { get; } = "";

    /// <summary>
    /// Renders <paramref name="frame"/> with <paramref name="scene"/>; when the previous frame's pixels are
    /// ready, passes them (RGBA, stride Width·4, top row first) and that frame's tag to <paramref name="ready"/>.
    /// </summary>
    public void Render(VideoFrame frame, RenderScene scene, long tag, Action<ReadOnlySpan<byte>, long> ready)
    {
        if (frame.Width != Width || frame.Height != Height)
            throw new RenderingException($"Frame {frame.Width}x{frame.Height} does not match the {Width}x{Height} render target.");
        _context.MakeCurrent();
        try
        {
            var gl = _context.Gl;
            gl.BindFramebuffer(GlApi.GL_FRAMEBUFFER, _framebuffer.Id);
            _renderer.Draw(frame, scene, Width, Height, flipY: false); // framebuffer row 0 = image row 0: readback needs no flip
            int slot = _next;
            gl.BindBuffer(GlApi.GL_PIXEL_PACK_BUFFER, _pbo[slot].Id);
            gl.PixelStorei(GlApi.GL_PACK_ALIGNMENT, 1);
            gl.ReadPixels(0, 0, Width, Height, GlApi.GL_RGBA, GlApi.GL_UNSIGNED_BYTE, null); // into the PBO: returns at once
            gl.BindBuffer(GlApi.GL_PIXEL_PACK_BUFFER, 0);
            _fences[slot] = gl.FenceSync(GlApi.GL_SYNC_GPU_COMMANDS_COMPLETE, 0);
            _pending[slot] = tag;
            _submitted++;
            _next = 1 - slot;
            GlError.Check(gl, "reading back a frame");
            if (_pending[_next] >= 0) Collect(_next, ready);                   // the previous frame is done by now
        }
        finally
        {
            UnbindFramebuffer();
            _context.Release();
        }
    }

    /// <summary>Delivers every frame still in flight (call at the end).</summary>
    public void Flush(Action<ReadOnlySpan<byte>, long> ready)
    {
        _context.MakeCurrent();
        try
        {
            // oldest first
            int first = _next;
            for (int i = 0; i < 2; i++)
            {
                int slot = (first + i) % 2;
                if (_pending[slot] >= 0) Collect(slot, ready);
            }
        }
        finally
        {
            _context.Release();
        }
    }

    private void Collect(int slot, Action<ReadOnlySpan<byte>, long> ready)
    {
        var gl = _context.Gl;
        if (_fences[slot] != 0)
        {
            gl.ClientWaitSync(_fences[slot], GlApi.GL_SYNC_FLUSH_COMMANDS_BIT, ulong.MaxValue);
            gl.DeleteSync(_fences[slot]);
            _fences[slot] = 0;
        }
        var mapped = gl.MapNamedBufferRange(_pbo[slot].Id, 0, _pixels.Length, GlApi.GL_MAP_READ_BIT);
        if (mapped is null) throw new RenderingException("Mapping the readback buffer failed.");
        new ReadOnlySpan<byte>(mapped, _pixels.Length).CopyTo(_pixels);
        gl.UnmapNamedBuffer(_pbo[slot].Id);
        long tag = _pending[slot];
        _pending[slot] = -1;
        ready(_pixels, tag);
    }

    private void UnbindFramebuffer() => _context.Gl.BindFramebuffer(GlApi.GL_FRAMEBUFFER, 0);

    public void Dispose()
    {
        _context.MakeCurrent();
        foreach (var f in _fences) if (f != 0) _context.Gl.DeleteSync(f);
        foreach (var b in _pbo ?? []) b.Dispose();
        _framebuffer?.Dispose();
        _color?.Dispose();
        _renderer?.Dispose();
        _context.Dispose();
    }
}
