using System.Runtime.InteropServices;
using PoseLive.Diagnostics;
using PoseLive.Rendering;
using Silk.NET.OpenGL;

namespace PoseLive.Interop.Gl;

/// <summary>
/// The one place GL errors become exceptions: glGetError after each checked step, and (KHR_debug)
/// the driver's own messages — errors are kept and thrown at the next check with the GL message; other
/// messages go to the log as "opengl".
/// </summary>
internal static class GlError
{
    [ThreadStatic] private static string? t_pending;

    // Kept in a static field: the driver calls it for as long as any context lives.
    private static readonly DebugProc s_onMessage = OnMessage;

    /// <summary>Forgets a pending error (a failure path that already reported its own error).</summary>
    public static void Clear(GL gl)
    {
        gl.GetError();
        t_pending = null;
    }

    public static unsafe void EnableDebugOutput(GL gl)
    {
        gl.Enable(EnableCap.DebugOutput);
        gl.Enable(EnableCap.DebugOutputSynchronous); // the callback runs on the calling thread, inside the failing call
        gl.DebugMessageCallback(s_onMessage, null);
    }

    private static void OnMessage(GLEnum source, GLEnum type, int id, GLEnum severity, int length, nint message, nint user)
    {
        var text = Marshal.PtrToStringUTF8(message, length);
        // shader compiler messages are reported with file and line from the info log; only log them here
        bool compiler = source == GLEnum.DebugSourceShaderCompiler;
        if (!compiler && (type == GLEnum.DebugTypeError || severity == GLEnum.DebugSeverityHigh)) t_pending ??= text;
        else Log.Write(LogLevel.Verbose, "opengl", text);
    }

    public static void Check(GL gl, string step)
    {
        var code = gl.GetError();
        var pending = t_pending;
        t_pending = null;
        if (code == GLEnum.NoError && pending is null) return;
        throw new RenderingException($"OpenGL error while {step}: {pending ?? Name(code)}");
    }

    private static string Name(GLEnum code) => code switch
    {
        GLEnum.InvalidEnum => "GL_INVALID_ENUM", GLEnum.InvalidValue => "GL_INVALID_VALUE", GLEnum.InvalidOperation => "GL_INVALID_OPERATION",
        GLEnum.OutOfMemory => "GL_OUT_OF_MEMORY", GLEnum.InvalidFramebufferOperation => "GL_INVALID_FRAMEBUFFER_OPERATION", _ => $"0x{(int)code:X4}",
    };
}
