using System.Runtime.InteropServices;
using PoseLive.Diagnostics;
using PoseLive.Rendering;

namespace PoseLive.Interop.Gl;

/// <summary>
/// The one place GL errors become exceptions: glGetError after each checked step, and (KHR_debug)
/// the driver's own messages — errors are kept and thrown at the next check with the GL message; other
/// messages go to the log as "opengl".
/// </summary>
internal static unsafe class GlError
{
    private const int GL_DEBUG_SOURCE_SHADER_COMPILER = 0x8248;
    [ThreadStatic] private static string? t_pending;

    /// <summary>Forgets a pending error (a failure path that already reported its own error).</summary>
    public static void Clear(GlApi gl)
    {
        gl.GetError();
        t_pending = null;
    }

    public static void EnableDebugOutput(GlApi gl)
    {
        gl.Enable(GlApi.GL_DEBUG_OUTPUT);
        gl.Enable(GlApi.GL_DEBUG_OUTPUT_SYNCHRONOUS); // the callback runs on the calling thread, inside the failing call
        gl.DebugMessageCallback(&OnMessage, null);
    }

    [UnmanagedCallersOnly]
    private static void OnMessage(int source, int type, int id, int severity, int length, byte* message, void* user)
    {
        var text = Marshal.PtrToStringUTF8((nint)message, length);
        // shader compiler messages are reported with file and line from the info log; only log them here
        bool compiler = source == GL_DEBUG_SOURCE_SHADER_COMPILER;
        if (!compiler && (type == GlApi.GL_DEBUG_TYPE_ERROR || severity == GlApi.GL_DEBUG_SEVERITY_HIGH)) t_pending ??= text;
        else Log.Write(LogLevel.Verbose, "opengl", text);
    }

    public static void Check(GlApi gl, string step)
    {
        int code = gl.GetError();
        var pending = t_pending;
        t_pending = null;
        if (code == GlApi.GL_NO_ERROR && pending is null) return;
        throw new RenderingException($"OpenGL error while {step}: {pending ?? Name(code)}");
    }

    private static string Name(int code) => code switch
    {
        0x0500 => "GL_INVALID_ENUM", 0x0501 => "GL_INVALID_VALUE", 0x0502 => "GL_INVALID_OPERATION", 0x0505 => "GL_OUT_OF_MEMORY",
        0x0506 => "GL_INVALID_FRAMEBUFFER_OPERATION", _ => $"0x{code:X4}",
    };
}
