using System.Runtime.InteropServices;
using PoseLive.Rendering;
using Silk.NET.OpenGL;

namespace PoseLive.Interop.Gl;

/// <summary>Owners of GL objects; Dispose (idempotent) deletes them — call with the owning context current.</summary>
internal abstract class GlObject(GL gl, uint id) : IDisposable
{
    protected GL Gl { get; } = gl;
    public uint Id { get; } = id;
    private int _disposed;

    protected abstract void Delete();

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) Delete();
    }
}

internal sealed class GlTexture(GL gl, uint id, int width, int height, SizedInternalFormat format) : GlObject(gl, id)
{
    public int Width { get; } = width;
    public int Height { get; } = height;
    public SizedInternalFormat Format { get; } = format;

    public static GlTexture Create(GL gl, SizedInternalFormat internalFormat, int width, int height, bool linear)
    {
        uint id = gl.CreateTexture(TextureTarget.Texture2D);
        gl.TextureStorage2D(id, 1, internalFormat, (uint)width, (uint)height);
        var filter = (int)(linear ? GLEnum.Linear : GLEnum.Nearest);
        gl.TextureParameter(id, TextureParameterName.TextureMinFilter, filter);
        gl.TextureParameter(id, TextureParameterName.TextureMagFilter, filter);
        gl.TextureParameter(id, TextureParameterName.TextureWrapS, (int)GLEnum.ClampToEdge);
        gl.TextureParameter(id, TextureParameterName.TextureWrapT, (int)GLEnum.ClampToEdge);
        GlError.Check(gl, $"creating a {width}x{height} texture");
        return new GlTexture(gl, id, width, height, internalFormat);
    }

    /// <summary>Replaces the whole texture with <paramref name="data"/> (rows tightly packed).</summary>
    public void Upload<T>(ReadOnlySpan<T> data, PixelFormat format, PixelType type) where T : unmanaged
    {
        Gl.PixelStore(PixelStoreParameter.UnpackAlignment, 1);
        Gl.TextureSubImage2D(Id, 0, 0, 0, (uint)Width, (uint)Height, format, type, in MemoryMarshal.GetReference(data));
    }

    protected override void Delete() => Gl.DeleteTexture(Id);
}

internal sealed class GlBuffer(GL gl, uint id) : GlObject(gl, id)
{
    public static GlBuffer Create(GL gl) => new(gl, gl.CreateBuffer());

    protected override void Delete() => Gl.DeleteBuffer(Id);
}

internal sealed class GlFramebuffer(GL gl, uint id) : GlObject(gl, id)
{
    public static GlFramebuffer Create(GL gl, GlTexture color, GlTexture? depth = null)
    {
        uint id = gl.CreateFramebuffer();
        gl.NamedFramebufferTexture(id, FramebufferAttachment.ColorAttachment0, color.Id, 0);
        if (depth is not null) gl.NamedFramebufferTexture(id, FramebufferAttachment.DepthAttachment, depth.Id, 0);
        var status = gl.CheckNamedFramebufferStatus(id, FramebufferTarget.Framebuffer);
        if (status != GLEnum.FramebufferComplete)
        {
            gl.DeleteFramebuffer(id);
            throw new RenderingException($"Framebuffer incomplete (status 0x{(int)status:X4}).");
        }
        return new GlFramebuffer(gl, id);
    }

    protected override void Delete() => Gl.DeleteFramebuffer(Id);
}

internal sealed class GlVertexArray(GL gl, uint id) : GlObject(gl, id)
{
    public static GlVertexArray Create(GL gl) => new(gl, gl.CreateVertexArray());

    protected override void Delete() => Gl.DeleteVertexArray(Id);
}
