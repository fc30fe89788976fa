using Silk.NET.OpenGL;

namespace PoseLive.Interop.Egl;

/// <summary>
/// For `poselive doctor`: creates the headless OpenGL 4.5 core context the renderer would use and reads
/// GL_VENDOR/RENDERER/VERSION; everything is released before it returns.
/// </summary>
internal static class EglGlProbe
{
    public sealed record Result(string EglVersion, string Vendor, string Renderer, string GlVersion);

    /// <summary>The GL strings, or a <see cref="Rendering.RenderingException"/> saying which EGL step failed and why.</summary>
    public static Result Probe()
    {
        using var context = EglContext.Create();
        var gl = context.Gl;
        return new Result(context.EglVersion, gl.GetStringS(StringName.Vendor), gl.GetStringS(StringName.Renderer), gl.GetStringS(StringName.Version));
    }
}
