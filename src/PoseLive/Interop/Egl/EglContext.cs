using PoseLive.Interop.Gl;
using PoseLive.Rendering;
using Silk.NET.OpenGL;
using static PoseLive.Interop.Egl.EglNative;

namespace PoseLive.Interop.Egl;

/// <summary>
/// A headless OpenGL 4.5 core context (Mesa's surfaceless platform, else the default display). Make it
/// current on the thread that renders (<see cref="MakeCurrent"/>); render into framebuffer objects.
/// </summary>
internal sealed unsafe class EglContext : IDisposable
{
    private readonly nint _display, _context;
    private int _disposed;

    private EglContext(nint display, nint context, GL gl, string version)
    {
        _display = display;
        _context = context;
        Gl = gl;
        EglVersion = version;
        Renderer = gl.GetStringS(StringName.Renderer);
    }

    /// <summary>The GL renderer string (e.g. llvmpipe).</summary>
    public string Renderer { get; }

    /// <summary>The context's GL entry points (Silk.NET), valid while the context is current.</summary>
    public GL Gl { get; }

    /// <summary>The EGL version of the display, e.g. 1.5.</summary>
    public string EglVersion { get; }

    public static EglContext Create()
    {
        if (!System.Runtime.InteropServices.NativeLibrary.TryLoad("libEGL.so.1", out _))
            throw new RenderingException("No EGL library (libEGL.so.1): headless rendering needs libegl1 and libegl-mesa0 (scripts/setup.sh installs them).");
        nint display = eglGetPlatformDisplay(EGL_PLATFORM_SURFACELESS_MESA, 0, null);
        if (display == 0) display = eglGetDisplay(0);
        if (display == 0 || !AcquireDisplay(display, out int major, out int minor))
            throw new RenderingException($"No EGL display for headless OpenGL ({ErrorName(eglGetError())}): this machine has no GL device; annotate works without --render.");
        nint context = 0;
        try
        {
            if (eglBindAPI(EGL_OPENGL_API) == 0) throw Fail("eglBindAPI(OpenGL)");
            int* attribs = stackalloc int[] { EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT, EGL_SURFACE_TYPE, EGL_PBUFFER_BIT, EGL_NONE };
            nint config;
            int count;
            if (eglChooseConfig(display, attribs, &config, 1, &count) == 0 || count == 0) throw Fail("eglChooseConfig(OpenGL)");
            int* ctxAttribs = stackalloc int[]
            {
                EGL_CONTEXT_MAJOR_VERSION, 4, EGL_CONTEXT_MINOR_VERSION, 5,
                EGL_CONTEXT_OPENGL_PROFILE_MASK, EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT, EGL_NONE,
            };
            context = eglCreateContext(display, config, 0, ctxAttribs);
            if (context == 0) throw Fail("eglCreateContext(OpenGL 4.5 core)");
            if (eglMakeCurrent(display, 0, 0, context) == 0) throw Fail("eglMakeCurrent(surfaceless)");
            var gl = GL.GetApi(name => eglGetProcAddress(name));
            GlError.EnableDebugOutput(gl);
            GlError.Clear(gl);
            return new EglContext(display, context, gl, $"{major}.{minor}");
        }
        catch
        {
            if (context != 0) eglDestroyContext(display, context);
            ReleaseDisplay(display);
            throw;
        }
    }

    /// <summary>Makes the context current on the calling thread (it may move between threads, one at a time).</summary>
    public void MakeCurrent()
    {
        if (eglMakeCurrent(_display, 0, 0, _context) == 0) throw Fail("eglMakeCurrent");
    }

    /// <summary>Releases the context from the calling thread.</summary>
    public void Release() => eglMakeCurrent(_display, 0, 0, 0);

    private static RenderingException Fail(string step) => new($"{step} failed: {ErrorName(eglGetError())}");

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        eglMakeCurrent(_display, 0, 0, 0);
        eglDestroyContext(_display, _context);
        ReleaseDisplay(_display);
        eglReleaseThread();
        Gl.Dispose();
    }

    // EGL displays are process-wide and eglInitialize/eglTerminate are not counted: terminating the display for one
    // context (say doctor's probe) would pull it from under another (a renderer on another thread). Count the users.
    private static readonly Lock s_displays = new();
    private static readonly Dictionary<nint, (int Users, int Major, int Minor)> s_users = [];

    private static bool AcquireDisplay(nint display, out int major, out int minor)
    {
        lock (s_displays)
        {
            if (s_users.TryGetValue(display, out var entry))
            {
                s_users[display] = entry with { Users = entry.Users + 1 };
                (major, minor) = (entry.Major, entry.Minor);
                return true;
            }
            int ma, mi;
            if (eglInitialize(display, &ma, &mi) == 0)
            {
                (major, minor) = (0, 0);
                return false;
            }
            s_users[display] = (1, ma, mi);
            (major, minor) = (ma, mi);
            return true;
        }
    }

    private static void ReleaseDisplay(nint display)
    {
        lock (s_displays)
        {
            if (!s_users.TryGetValue(display, out var entry)) return;
            if (entry.Users > 1) { s_users[display] = entry with { Users = entry.Users - 1 }; return; }
            s_users.Remove(display);
            eglTerminate(display);
        }
    }
}
