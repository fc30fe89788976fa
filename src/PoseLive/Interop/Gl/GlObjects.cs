using System.Text;
using System.Text.RegularExpressions;
using PoseLive.Rendering;

namespace PoseLive.Interop.Gl;

/// <summary>Owners of GL objects; Dispose (idempotent) deletes them — call with the owning context current.</summary>
internal abstract class GlObject(GlApi gl, int id) : IDisposable
{
    protected GlApi Gl { get; } = gl;
    public int Id { get; } = id;
    private int _disposed;

    protected abstract void Delete();

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) Delete();
    }
}

internal sealed unsafe class GlTexture(GlApi gl, int id, int width, int height, int format) : GlObject(gl, id)
{
    public int Width { get; } = width;
    public int Height { get; } = height;
    public int Format { get; } = format;

    public static GlTexture Create(GlApi gl, int internalFormat, int width, int height, bool linear)
    {
        int id;
        gl.CreateTextures(GlApi.GL_TEXTURE_2D, 1, &id);
        gl.TextureStorage2D(id, 1, internalFormat, width, height);
        int filter = linear ? GlApi.GL_LINEAR : GlApi.GL_NEAREST;
        gl.TextureParameteri(id, GlApi.GL_TEXTURE_MIN_FILTER, filter);
        gl.TextureParameteri(id, GlApi.GL_TEXTURE_MAG_FILTER, filter);
        gl.TextureParameteri(id, GlApi.GL_TEXTURE_WRAP_S, GlApi.GL_CLAMP_TO_EDGE);
        gl.TextureParameteri(id, GlApi.GL_TEXTURE_WRAP_T, GlApi.GL_CLAMP_TO_EDGE);
        GlError.Check(gl, $"creating a {width}x{height} texture");
        return new GlTexture(gl, id, width, height, internalFormat);
    }

    public void Upload<T>(ReadOnlySpan<T> data, int format, int type) where T : unmanaged
    {
        Gl.PixelStorei(GlApi.GL_UNPACK_ALIGNMENT, 1);
        fixed (T* p = data) Gl.TextureSubImage2D(Id, 0, 0, 0, Width, Height, format, type, p);
    }

    protected override void Delete() { int id = Id; Gl.DeleteTextures(1, &id); }
}

internal sealed unsafe class GlBuffer(GlApi gl, int id) : GlObject(gl, id)
{
    public static GlBuffer Create(GlApi gl)
    {
        int id;
        gl.CreateBuffers(1, &id);
        return new GlBuffer(gl, id);
    }

    protected override void Delete() { int id = Id; Gl.DeleteBuffers(1, &id); }
}

internal sealed unsafe class GlFramebuffer(GlApi gl, int id) : GlObject(gl, id)
{
    public static GlFramebuffer Create(GlApi gl, GlTexture color)
    {
        int id;
        gl.CreateFramebuffers(1, &id);
        gl.NamedFramebufferTexture(id, GlApi.GL_COLOR_ATTACHMENT0, color.Id, 0);
        int status = gl.CheckNamedFramebufferStatus(id, GlApi.GL_FRAMEBUFFER);
        if (status != GlApi.GL_FRAMEBUFFER_COMPLETE) throw new RenderingException($"Framebuffer incomplete (status 0x{status:X4}).");
        return new GlFramebuffer(gl, id);
    }

    protected override void Delete() { int id = Id; Gl.DeleteFramebuffers(1, &id); }
}

internal sealed unsafe class GlVertexArray(GlApi gl, int id) : GlObject(gl, id)
{
    public static GlVertexArray Create(GlApi gl)
    {
        int id;
        gl.CreateVertexArrays(1, &id);
        return new GlVertexArray(gl, id);
    }

    protected override void Delete() { int id = Id; Gl.DeleteVertexArrays(1, &id); }
}

/// <summary>A linked shader program from GLSL files; compile and link errors name the file and line.</summary>
internal sealed unsafe partial class GlProgram(GlApi gl, int id, string name) : GlObject(gl, id)
{
    private readonly Dictionary<string, int> _uniforms = [];

    public string Name { get; } = name;

    public static GlProgram FromFiles(GlApi gl, string vertexPath, string fragmentPath)
    {
        foreach (var p in new[] { vertexPath, fragmentPath })
            if (!File.Exists(p)) throw new RenderingException($"Shader file '{p}' does not exist.");
        return FromSources(gl, (vertexPath, File.ReadAllText(vertexPath)), (fragmentPath, File.ReadAllText(fragmentPath)));
    }

    public static GlProgram FromSources(GlApi gl, (string File, string Source) vertex, (string File, string Source) fragment)
    {
        int vs = Compile(gl, GlApi.GL_VERTEX_SHADER, vertex.File, vertex.Source);
        int fs;
        try { fs = Compile(gl, GlApi.GL_FRAGMENT_SHADER, fragment.File, fragment.Source); }
        catch { gl.DeleteShader(vs); throw; }
        int program = gl.CreateProgram();
        gl.AttachShader(program, vs);
        gl.AttachShader(program, fs);
        gl.LinkProgram(program);
        gl.DeleteShader(vs);
        gl.DeleteShader(fs);
        int ok;
        gl.GetProgramiv(program, GlApi.GL_LINK_STATUS, &ok);
        if (ok == 0)
        {
            var log = InfoLog(gl, program, isProgram: true);
            gl.DeleteProgram(program);
            GlError.Clear(gl);
            throw new RenderingException($"Linking {Path.GetFileName(vertex.File)} + {Path.GetFileName(fragment.File)} failed: {log}");
        }
        return new GlProgram(gl, program, Path.GetFileNameWithoutExtension(vertex.File));
    }

    private static int Compile(GlApi gl, int type, string file, string source)
    {
        int shader = gl.CreateShader(type);
        var bytes = Encoding.UTF8.GetBytes(source);
        fixed (byte* p = bytes)
        {
            byte* ptr = p;
            int len = bytes.Length;
            gl.ShaderSource(shader, 1, &ptr, &len);
        }
        gl.CompileShader(shader);
        int ok;
        gl.GetShaderiv(shader, GlApi.GL_COMPILE_STATUS, &ok);
        if (ok != 0) return shader;
        var log = InfoLog(gl, shader, isProgram: false);
        gl.DeleteShader(shader);
        GlError.Clear(gl);
        // Mesa reports "0:LINE(COL): error: …"; others "ERROR: 0:LINE: …" — name the file and line either way
        var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => LineNumber().Match(l) is { Success: true } m ? $"{file}:{m.Groups[1].Value}: {l[(m.Index + m.Length)..].TrimStart(':', ' ', '(', ')', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9')}" : $"{file}: {l}");
        throw new RenderingException($"Shader {Path.GetFileName(file)} did not compile:\n" + string.Join("\n", lines));
    }

    [GeneratedRegex(@"0:(\d+)")]
    private static partial Regex LineNumber();

    private static string InfoLog(GlApi gl, int id, bool isProgram)
    {
        int length;
        if (isProgram) gl.GetProgramiv(id, GlApi.GL_INFO_LOG_LENGTH, &length); else gl.GetShaderiv(id, GlApi.GL_INFO_LOG_LENGTH, &length);
        var buffer = new byte[Math.Max(1, length)];
        fixed (byte* b = buffer)
        {
            if (isProgram) gl.GetProgramInfoLog(id, buffer.Length, &length, b); else gl.GetShaderInfoLog(id, buffer.Length, &length, b);
        }
        return Encoding.UTF8.GetString(buffer, 0, Math.Max(0, length)).Trim();
    }

    public int Uniform(string name)
    {
        if (_uniforms.TryGetValue(name, out int loc)) return loc;
        var bytes = Encoding.UTF8.GetBytes(name + "\0");
        fixed (byte* p = bytes) loc = Gl.GetUniformLocation(Id, p);
        return _uniforms[name] = loc;
    }

    protected override void Delete() => Gl.DeleteProgram(Id);
}
