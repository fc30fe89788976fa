using PoseLive.Interop.Gl;
using PoseLive.Interop.OpenCv;
using Silk.NET.OpenGL;
using GlPixelFormat = Silk.NET.OpenGL.PixelFormat;

namespace PoseLive.Rendering;

/// <summary>
/// Text drawn in GL: printable ASCII rasterised once into a glyph atlas texture (<see cref="OpenCvGlyphs"/>), then each
/// frame's strings queued as instanced glyph quads (and solid backdrop rectangles) and drawn in one call. Characters
/// outside the atlas are drawn as '?'. Needs a current GL 4.5 context; owns its GL objects.
/// </summary>
internal sealed class TextLayer : IDisposable
{
    private const int Floats = 12;
    private readonly GL _gl;
    private readonly GlProgram _program;
    private readonly GlTexture _atlas;
    private readonly GlBuffer _instances;
    private readonly int[] _advances;
    private float[] _staging = new float[Floats * 512];
    private int _count;

    public TextLayer(GL gl, string shaderDirectory)
    {
        _gl = gl;
        var (pixels, cellW, cellH, baseline, advances) = OpenCvGlyphs.Rasterise();
        (CellWidth, LineHeight, Baseline, _advances) = (cellW, cellH, baseline, advances);
        _atlas = GlTexture.Create(gl, SizedInternalFormat.R8, cellW * advances.Length, cellH, linear: true);
        _atlas.Upload<byte>(pixels, GlPixelFormat.Red, PixelType.UnsignedByte);
        _program = GlProgram.FromFiles(gl, Path.Combine(shaderDirectory, "text.vert"), Path.Combine(shaderDirectory, "text.frag"));
        _instances = GlBuffer.Create(gl);
        GlError.Check(gl, "creating the text layer");
    }

    public int CellWidth { get; }
    public int LineHeight { get; }
    /// <summary>Pixels from a line's top to its baseline.</summary>
    public int Baseline { get; }

    /// <summary>The width <paramref name="text"/> takes, in pixels.</summary>
    public int Measure(ReadOnlySpan<char> text)
    {
        int w = 0;
        foreach (var c in text) w += _advances[Index(c)];
        return w;
    }

    /// <summary>Queues <paramref name="text"/> with its top-left corner at (<paramref name="x"/>, <paramref name="y"/>) image pixels.</summary>
    public void Text(ReadOnlySpan<char> text, float x, float y, (byte R, byte G, byte B) color, float alpha = 1)
    {
        foreach (var c in text)
        {
            int i = Index(c);
            if (c != ' ') Add(x, y, CellWidth, LineHeight, color, alpha, i);
            x += _advances[i];
        }
    }

    /// <summary>Queues a solid rectangle (drawn in queue order with the glyphs: queue a backdrop first).</summary>
    public void Rectangle(float x, float y, float width, float height, (byte R, byte G, byte B) color, float alpha) => Add(x, y, width, height, color, alpha, -1);

    /// <summary>Draws what was queued into the bound framebuffer (blending on), then empties the queue.</summary>
    public void Draw(int width, int height, bool flipY)
    {
        if (_count == 0) return;
        var gl = _gl;
        gl.NamedBufferData<float>(_instances.Id, _staging.AsSpan(0, _count * Floats), BufferUsageARB.DynamicDraw);
        gl.BindBufferBase(BufferTargetARB.ShaderStorageBuffer, 1, _instances.Id);
        gl.UseProgram(_program.Id);
        gl.ProgramUniform2(_program.Id, _program.Uniform("u_size"), (float)width, (float)height);
        gl.ProgramUniform1(_program.Id, _program.Uniform("u_flip_y"), flipY ? 1f : 0f);
        gl.ProgramUniform1(_program.Id, _program.Uniform("u_glyphs"), (float)_advances.Length);
        gl.ProgramUniform1(_program.Id, _program.Uniform("u_atlas"), 0);
        gl.BindTextureUnit(0, _atlas.Id);
        gl.Enable(EnableCap.Blend);
        gl.BlendFunc(BlendingFactor.SrcAlpha, BlendingFactor.OneMinusSrcAlpha);
        gl.DrawArraysInstanced(PrimitiveType.TriangleStrip, 0, 4, (uint)_count);
        gl.Disable(EnableCap.Blend);
        _count = 0;
        GlError.Check(gl, "drawing text");
    }

    private static int Index(char c) => c is >= OpenCvGlyphs.First and <= OpenCvGlyphs.Last ? c - OpenCvGlyphs.First : '?' - OpenCvGlyphs.First;

    private void Add(float x, float y, float w, float h, (byte R, byte G, byte B) c, float alpha, int glyph)
    {
        if ((_count + 1) * Floats > _staging.Length) Array.Resize(ref _staging, _staging.Length * 2);
        var s = _staging.AsSpan(_count * Floats, Floats);
        s[0] = x; s[1] = y; s[2] = w; s[3] = h;
        s[4] = c.R / 255f; s[5] = c.G / 255f; s[6] = c.B / 255f; s[7] = alpha;
        s[8] = glyph; s[9] = 0; s[10] = 0; s[11] = 0;
        _count++;
    }

    public void Dispose()
    {
        _instances.Dispose();
        _atlas.Dispose();
        _program.Dispose();
    }
}
