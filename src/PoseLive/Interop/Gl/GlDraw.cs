using Silk.NET.OpenGL;

namespace PoseLive.Interop.Gl;

/// <summary>Draw calls whose index "pointer" is an offset into the bound element buffer (null = offset 0).</summary>
internal static class GlDraw
{
    /// <summary>glDrawElements of <paramref name="count"/> 32-bit indices from the start of the bound element buffer.</summary>
    public static unsafe void Triangles(GL gl, int count) =>
        gl.DrawElements(PrimitiveType.Triangles, (uint)count, DrawElementsType.UnsignedInt, (void*)0);
}
