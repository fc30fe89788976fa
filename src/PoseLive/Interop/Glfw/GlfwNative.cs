using System.Runtime.InteropServices;

namespace PoseLive.Interop.Glfw;

/// <summary>GLFW 3.3 entry points (libglfw.so.3) for the live window.</summary>
internal static unsafe partial class GlfwNative
{
    private const string Lib = "libglfw.so.3";

    public const int GLFW_CONTEXT_VERSION_MAJOR = 0x00022002, GLFW_CONTEXT_VERSION_MINOR = 0x00022003, GLFW_OPENGL_PROFILE = 0x00022008,
        GLFW_OPENGL_CORE_PROFILE = 0x00032001, GLFW_OPENGL_FORWARD_COMPAT = 0x00022006, GLFW_VISIBLE = 0x00020004, GLFW_PRESS = 1, GLFW_REPEAT = 2,
        GLFW_KEY_SPACE = 32, GLFW_KEY_PERIOD = 46, GLFW_KEY_B = 66, GLFW_KEY_D = 68, GLFW_KEY_H = 72, GLFW_KEY_S = 83, GLFW_KEY_ESCAPE = 256;

    [LibraryImport(Lib)] public static partial int glfwInit();
    [LibraryImport(Lib)] public static partial void glfwTerminate();
    [LibraryImport(Lib)] public static partial int glfwGetError(byte** description);
    [LibraryImport(Lib)] public static partial void glfwWindowHint(int hint, int value);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial nint glfwCreateWindow(int width, int height, string title, nint monitor, nint share);
    [LibraryImport(Lib)] public static partial void glfwDestroyWindow(nint window);
    [LibraryImport(Lib)] public static partial void glfwMakeContextCurrent(nint window);
    [LibraryImport(Lib)] public static partial void glfwSwapInterval(int interval);
    [LibraryImport(Lib)] public static partial void glfwSwapBuffers(nint window);
    [LibraryImport(Lib)] public static partial void glfwPollEvents();
    [LibraryImport(Lib)] public static partial int glfwWindowShouldClose(nint window);
    [LibraryImport(Lib)] public static partial void glfwSetWindowShouldClose(nint window, int value);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial void glfwSetWindowTitle(nint window, string title);
    [LibraryImport(Lib)] public static partial void glfwGetFramebufferSize(nint window, int* width, int* height);
    [LibraryImport(Lib)] public static partial void glfwSetWindowUserPointer(nint window, nint pointer);
    [LibraryImport(Lib)] public static partial nint glfwGetWindowUserPointer(nint window);
    [LibraryImport(Lib)] public static partial nint glfwSetKeyCallback(nint window, delegate* unmanaged<nint, int, int, int, int, void> callback);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial nint glfwGetProcAddress(string name);

    public static string LastError()
    {
        byte* description;
        int code = glfwGetError(&description);
        return code == 0 ? "no GLFW error" : $"GLFW error 0x{code:X}: {Marshal.PtrToStringUTF8((nint)description)}";
    }
}
