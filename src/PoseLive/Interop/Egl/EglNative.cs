using System.Runtime.InteropServices;

namespace PoseLive.Interop.Egl;

/// <summary>EGL 1.5 entry points (libEGL.so.1) used for headless OpenGL contexts.</summary>
internal static unsafe partial class EglNative
{
    private const string Lib = "libEGL.so.1";

    public const int EGL_SUCCESS = 0x3000;
    public const int EGL_NONE = 0x3038;
    public const int EGL_RENDERABLE_TYPE = 0x3040;
    public const int EGL_OPENGL_BIT = 0x0008;
    public const int EGL_SURFACE_TYPE = 0x3033;
    public const int EGL_PBUFFER_BIT = 0x0001;
    public const int EGL_RED_SIZE = 0x3024, EGL_GREEN_SIZE = 0x3023, EGL_BLUE_SIZE = 0x3022, EGL_ALPHA_SIZE = 0x3021;
    public const int EGL_OPENGL_API = 0x30A2;
    public const int EGL_CONTEXT_MAJOR_VERSION = 0x3098;
    public const int EGL_CONTEXT_MINOR_VERSION = 0x30FB;
    public const int EGL_CONTEXT_OPENGL_PROFILE_MASK = 0x30FD;
    public const int EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT = 0x0001;
    public const int EGL_PLATFORM_SURFACELESS_MESA = 0x31DD;
    public const int EGL_VENDOR = 0x3053, EGL_VERSION = 0x3054, EGL_EXTENSIONS = 0x3055;

    [LibraryImport(Lib)] public static partial nint eglGetProcAddress([MarshalAs(UnmanagedType.LPStr)] string name);
    [LibraryImport(Lib)] public static partial nint eglGetPlatformDisplay(int platform, nint nativeDisplay, nint* attribs);
    [LibraryImport(Lib)] public static partial nint eglGetDisplay(nint nativeDisplay);
    [LibraryImport(Lib)] public static partial uint eglInitialize(nint display, int* major, int* minor);
    [LibraryImport(Lib)] public static partial uint eglTerminate(nint display);
    [LibraryImport(Lib)] public static partial nint eglQueryString(nint display, int name);
    [LibraryImport(Lib)] public static partial uint eglBindAPI(int api);
    [LibraryImport(Lib)] public static partial uint eglChooseConfig(nint display, int* attribs, nint* configs, int size, int* count);
    [LibraryImport(Lib)] public static partial nint eglCreateContext(nint display, nint config, nint share, int* attribs);
    [LibraryImport(Lib)] public static partial uint eglDestroyContext(nint display, nint context);
    [LibraryImport(Lib)] public static partial uint eglMakeCurrent(nint display, nint draw, nint read, nint context);
    [LibraryImport(Lib)] public static partial int eglGetError();
    [LibraryImport(Lib)] public static partial uint eglReleaseThread();

    /// <summary>EGL error code as its name.</summary>
    public static string ErrorName(int code) => code switch
    {
        0x3000 => "EGL_SUCCESS", 0x3001 => "EGL_NOT_INITIALIZED", 0x3002 => "EGL_BAD_ACCESS", 0x3003 => "EGL_BAD_ALLOC",
        0x3004 => "EGL_BAD_ATTRIBUTE", 0x3005 => "EGL_BAD_CONFIG", 0x3006 => "EGL_BAD_CONTEXT", 0x3007 => "EGL_BAD_CURRENT_SURFACE",
        0x3008 => "EGL_BAD_DISPLAY", 0x3009 => "EGL_BAD_MATCH", 0x300A => "EGL_BAD_NATIVE_PIXMAP", 0x300B => "EGL_BAD_NATIVE_WINDOW",
        0x300C => "EGL_BAD_PARAMETER", 0x300D => "EGL_BAD_SURFACE", 0x300E => "EGL_CONTEXT_LOST",
        _ => $"0x{code:X4}",
    };
}
