using System.Text.RegularExpressions;
using PoseLive.Rendering;
using Silk.NET.OpenGL;

namespace PoseLive.Interop.Gl;

/// <summary>A linked shader program from GLSL files; compile and link errors name the file and line.</summary>
internal sealed partial class GlProgram(GL gl, uint id, string name) : GlObject(gl, id)
{
    private readonly Dictionary<string, int> _uniforms = [];

    public string Name { get; } = name;

    public static GlProgram FromFiles(GL gl, string vertexPath, string fragmentPath)
    {
        foreach (var p in new[] { vertexPath, fragmentPath })
            if (!File.Exists(p)) throw new RenderingException($"Shader file '{p}' does not exist.");
        return FromSources(gl, (vertexPath, File.ReadAllText(vertexPath)), (fragmentPath, File.ReadAllText(fragmentPath)));
    }

    public static GlProgram FromSources(GL gl, (string File, string Source) vertex, (string File, string Source) fragment)
    {
        uint vs = Compile(gl, ShaderType.VertexShader, vertex.File, vertex.Source);
        uint fs;
        try { fs = Compile(gl, ShaderType.FragmentShader, fragment.File, fragment.Source); }
        catch { gl.DeleteShader(vs); throw; }
        uint program = gl.CreateProgram();
        gl.AttachShader(program, vs);
        gl.AttachShader(program, fs);
        gl.LinkProgram(program);
        gl.DeleteShader(vs);
        gl.DeleteShader(fs);
        if (gl.GetProgram(program, ProgramPropertyARB.LinkStatus) == 0)
        {
            var log = gl.GetProgramInfoLog(program).Trim();
            gl.DeleteProgram(program);
            GlError.Clear(gl);
            throw new RenderingException($"Linking {Path.GetFileName(vertex.File)} + {Path.GetFileName(fragment.File)} failed: {log}");
        }
        return new GlProgram(gl, program, Path.GetFileNameWithoutExtension(vertex.File));
    }

    private static uint Compile(GL gl, ShaderType type, string file, string source)
    {
        uint shader = gl.CreateShader(type);
        gl.ShaderSource(shader, source);
        gl.CompileShader(shader);
        if (gl.GetShader(shader, ShaderParameterName.CompileStatus) != 0) return shader;
        var log = gl.GetShaderInfoLog(shader).Trim();
        gl.DeleteShader(shader);
        GlError.Clear(gl);
        // Mesa reports "0:LINE(COL): error: …"; others "ERROR: 0:LINE: …" — name the file and line either way
        var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => LineNumber().Match(l) is { Success: true } m ? $"{file}:{m.Groups[1].Value}: {l[(m.Index + m.Length)..].TrimStart(':', ' ', '(', ')', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9')}" : $"{file}: {l}");
        throw new RenderingException($"Shader {Path.GetFileName(file)} did not compile:\n" + string.Join("\n", lines));
    }

    [GeneratedRegex(@"0:(\d+)")]
    private static partial Regex LineNumber();

    public int Uniform(string name)
    {
        if (_uniforms.TryGetValue(name, out int loc)) return loc;
        return _uniforms[name] = Gl.GetUniformLocation(Id, name);
    }

    protected override void Delete() => Gl.DeleteProgram(Id);
}
