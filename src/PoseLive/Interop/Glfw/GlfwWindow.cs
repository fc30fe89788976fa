using System.Runtime.InteropServices;
using PoseLive.Rendering;
using static PoseLive.Interop.Glfw.GlfwNative;

namespace PoseLive.Interop.Glfw;

/// <summary>Keys the live window reacts to.</summary>
internal enum WindowKey { Other, Escape, Space, Period, B, D, H, S }

/// <summary>
/// A GLFW window with an OpenGL 4.5 core context, current on the creating thread; owns glfwInit/glfwTerminate
/// (one window per process at a time). Key presses queue up in this window's own queue for <see cref="TryTakeKey"/>
/// (GLFW's user pointer leads the key callback back to the instance). Dispose is idempotent.
/// </summary>
internal sealed unsafe class GlfwWindow : IDisposable
{
    private readonly Queue<WindowKey> _keys = new();
    private GCHandle _self;
    private nint _window;

    private GlfwWindow(nint window)
    {
        _window = window;
        _self = GCHandle.Alloc(this);
        glfwSetWindowUserPointer(window, GCHandle.ToIntPtr(_self));
    }

    /// <summary>Initialises GLFW, or says why there is no window system.</summary>
    public static void Initialise()
    {
        if (glfwInit() == 0) throw new RenderingException($"No window system for the live window ({LastError()}); is DISPLAY set? annotate and run work without --window.");
    }

    /// <summary>Opens the window (after <see cref="Initialise"/>), makes its context current with vsync on.</summary>
    public static GlfwWindow Open(int width, int height, string title)
    {
        glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 4);
        glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 5);
        glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
        glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, 1);
        nint window = glfwCreateWindow(width, height, title, 0, 0);
        if (window == 0) throw new RenderingException($"Could not create an OpenGL 4.5 core window: {LastError()}");
        glfwMakeContextCurrent(window);
        glfwSwapInterval(1);
        var opened = new GlfwWindow(window);
        glfwSetKeyCallback(window, &OnKey);
        return opened;
    }

    /// <summary>Releases GLFW (after every window is disposed).</summary>
    public static void Terminate() => glfwTerminate();

    /// <summary>The context's GL entry points (for Silk.NET's GL.GetApi).</summary>
    public static nint GetProcAddress(string name) => glfwGetProcAddress(name);

    [UnmanagedCallersOnly]
    private static void OnKey(nint window, int key, int scancode, int action, int mods)
    {
        if (action != GLFW_PRESS && action != GLFW_REPEAT) return;
        var k = key switch
        {
            GLFW_KEY_ESCAPE => WindowKey.Escape, GLFW_KEY_SPACE => WindowKey.Space, GLFW_KEY_PERIOD => WindowKey.Period,
            GLFW_KEY_B => WindowKey.B, GLFW_KEY_D => WindowKey.D, GLFW_KEY_H => WindowKey.H, GLFW_KEY_S => WindowKey.S, _ => WindowKey.Other,
        };
        if (glfwGetWindowUserPointer(window) is var p && p != 0 && GCHandle.FromIntPtr(p).Target is GlfwWindow self)
            lock (self._keys) self._keys.Enqueue(k);
    }

    public bool TryTakeKey(out WindowKey key)
    {
        lock (_keys) return _keys.TryDequeue(out key);
    }

    public bool ShouldClose
    {
        get => glfwWindowShouldClose(Handle) != 0;
        set => glfwSetWindowShouldClose(Handle, value ? 1 : 0);
    }

    public string Title { set => glfwSetWindowTitle(Handle, value); }

    public (int Width, int Height) FramebufferSize
    {
        get
        {
            int w, h;
            glfwGetFramebufferSize(Handle, &w, &h);
            return (w, h);
        }
    }

    public void PollEvents() => glfwPollEvents();

    public void SwapBuffers() => glfwSwapBuffers(Handle);

    private nint Handle => _window != 0 ? _window : throw new ObjectDisposedException(nameof(GlfwWindow));

    public void Dispose()
    {
        var w = Interlocked.Exchange(ref _window, 0);
        if (w == 0) return;
        glfwSetWindowUserPointer(w, 0);
        glfwDestroyWindow(w);
        _self.Free();
    }
}
