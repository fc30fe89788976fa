using PoseLive.Interop.Egl;
using PoseLive.Interop.Gl;
using PoseLive.Media;
using PoseLive.Pose;
using Silk.NET.OpenGL;

namespace PoseLive.Rendering;

/// <summary>
/// Headless rendering (EGL, no display): draws each frame with <see cref="PoseRenderer"/> into a
/// framebuffer object and reads it back asynchronously through two pixel-pack buffers — frame N's pixels
/// are collected while frame N+1 renders — handing RGBA rows (top row first) to a callback. The GL
/// context is made current for each call, so calls may come from any thread, one at a time.
/// </summary>
public sealed class OffscreenRenderer : IDisposable
{
    private readonly EglContext _context;
    private readonly PoseRenderer _renderer;
    private readonly GlTexture _color;
    private readonly GlFramebuffer _framebuffer;
    private readonly GlReadback[] _readbacks;
    private readonly long[] _pending = [-1, -1];
    private readonly byte[] _pixels;
    private int _next;

    public OffscreenRenderer(int width, int height, KeypointSchema schema, string? shaderDirectory = null)
    {
        Width = width;
        Height = height;
        _context = EglContext.Create();
        try
        {
            var gl = _context.Gl;
            _renderer = new PoseRenderer(gl, schema, shaderDirectory);
            _color = GlTexture.Create(gl, SizedInternalFormat.Rgba8, width, height, linear: false);
            _framebuffer = GlFramebuffer.Create(gl, _color);
            _readbacks = [new GlReadback(gl, width, height), new GlReadback(gl, width, height)];
            _pixels = new byte[width * height * 4];
            GlError.Check(gl, "creating the offscreen target");
        }
        finally
        {
            _context.Release();
        }
    }

    public int Width { get; }
    public int Height { get; }
    /// <summary>The GL renderer string (e.g. llvmpipe).</summary>
    public string Renderer => _context.Renderer;

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
            gl.BindFramebuffer(FramebufferTarget.Framebuffer, _framebuffer.Id);
            _renderer.Draw(frame, scene, Width, Height, flipY: false); // framebuffer row 0 = image row 0: readback needs no flip
            int slot = _next;
            _readbacks[slot].Start();                                    // into the pixel-pack buffer: returns at once
            _pending[slot] = tag;
            _next = 1 - slot;
            GlError.Check(gl, "reading back a frame");
            if (_pending[_next] >= 0) Collect(_next, ready);             // the previous frame is done by now
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
        _readbacks[slot].Finish(_pixels);
        long tag = _pending[slot];
        _pending[slot] = -1;
        ready(_pixels, tag);
    }

    private void UnbindFramebuffer() => _context.Gl.BindFramebuffer(FramebufferTarget.Framebuffer, 0);

    public void Dispose()
    {
        _context.MakeCurrent();
        foreach (var r in _readbacks ?? []) r.Dispose();
        _framebuffer?.Dispose();
        _color?.Dispose();
        _renderer?.Dispose();
        _context.Dispose();
    }
}
