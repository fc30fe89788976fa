using System.Runtime.InteropServices;
using static PoseLive.Interop.Egl.EglNative;

namespace PoseLive.Interop.Egl;

/// <summary>
/// Creates a headless OpenGL 4.5 core context with EGL (Mesa's surfaceless platform, else the default
/// display), makes it current without a surface and reads GL_VENDOR/RENDERER/VERSION. Everything it
/// creates is destroyed before it returns.
/// </summary>
internal static unsafe class EglGlProbe
{
    private const int GL_VENDOR = 0x1F00, GL_RENDERER = 0x1F01, GL_VERSION = 0x1F02;

    public sealed record Result(string EglVersion, string Vendor, string Renderer, string GlVersion);

    /// <summary>The GL strings, or an exception whose message says which EGL step failed and why.</summary>
    public static Result Probe()
    {
        if (!NativeLibrary.TryLoad("libEGL.so.1", out _))
            throw new DllNotFoundException("libEGL.so.1 not found (install Debian's libegl1 and libegl-mesa0).");

        nint display = eglGetPlatformDisplay(EGL_PLATFORM_SURFACELESS_MESA, 0, null);
        if (display == 0) display = eglGetDisplay(0);
        if (display == 0) throw Fail("eglGetDisplay: no EGL display");
        int major, minor;
        if (eglInitialize(display, &major, &minor) == 0) throw Fail("eglInitialize");
        nint context = 0;
        try
        {
            if (eglBindAPI(EGL_OPENGL_API) == 0) throw Fail("eglBindAPI(OpenGL)");
            // EGL_SURFACE_TYPE defaults to window-only; the surfaceless platform only has pbuffer configs.
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
            var getString = (delegate* unmanaged<int, byte*>)eglGetProcAddress("glGetString");
            if (getString is null) throw new InvalidOperationException("glGetString is not available through eglGetProcAddress.");
            string S(int name) => Marshal.PtrToStringUTF8((nint)getString(name)) ?? "";
            var r = new Result($"{major}.{minor}", S(GL_VENDOR), S(GL_RENDERER), S(GL_VERSION));
            eglMakeCurrent(display, 0, 0, 0);
            return r;
        }
        finally
        {
            if (context != 0) eglDestroyContext(display, context);
            eglTerminate(display);
            eglReleaseThread();
        }
    }

    private static InvalidOperationException Fail(string step) =>
        new($"{step} failed: {ErrorName(eglGetError())}");
}
