using PoseLive.Interop.Egl;
using PoseLive.Interop.Gl;

namespace PoseLive.Tests.Rendering;

/// <summary>Headless EGL contexts share one process-wide display.</summary>
[Collection("gl")]
public class EglContextTests
{
    /// <summary>
    /// Disposing one context (as `doctor`'s probe does) must not terminate the display under another one still in
    /// use — before the display was reference-counted, a renderer running beside the probe failed with EGL_NOT_INITIALIZED.
    /// </summary>
    [Fact]
    public void Disposing_one_context_leaves_the_others_working()
    {
        using var first = EglContext.Create();
        var second = EglContext.Create();
        second.Dispose();
        first.MakeCurrent();
        Assert.Contains("4.5", first.Gl.GetStringS(Silk.NET.OpenGL.StringName.Version));
        using var third = EglContext.Create(); // and a new one can still be made
        Assert.Equal(first.EglVersion, third.EglVersion);
        first.Release();
    }
}
