using System.Numerics;

namespace PoseLive.Synthetic;

/// <summary>
/// A pinhole camera looking from <see cref="Eye"/> at a target, focal length from the horizontal field of view
/// (CC-SSL: width/2 for 90°), square pixels, principal point at the image centre. Pixel coordinates put the centre of
/// pixel (0, 0) at (0, 0), rows from the top. <see cref="ViewProjection"/> is exactly what the shaders draw with; its
/// clip y is flipped so framebuffer row 0 is the image's top row.
/// </summary>
public sealed class SynthCamera
{
    public const float Near = 0.05f, Far = 300f;

    public SynthCamera(Vector3 eye, Vector3 target, int width, int height, double horizontalFovDegrees)
    {
        Eye = eye;
        Target = target;
        Width = width;
        Height = height;
        Focal = (float)(width / 2.0 / Math.Tan(horizontalFovDegrees * Math.PI / 360));
        var forward = Vector3.Normalize(target - eye);
        var up = MathF.Abs(forward.Y) > 0.999f ? Vector3.UnitX : Vector3.UnitY;
        View = Matrix4x4.CreateLookAt(eye, target, up);
        float a = -(Far + Near) / (Far - Near), b = -2 * Far * Near / (Far - Near);
        Projection = new Matrix4x4(
            2 * Focal / width, 0, 0, 0,
            0, -2 * Focal / height, 0, 0,
            0, 0, a, -1,
            0, 0, b, 0);
        ViewProjection = View * Projection;
    }

    public Vector3 Eye { get; }
    public Vector3 Target { get; }
    public int Width { get; }
    public int Height { get; }
    /// <summary>Focal length in pixels.</summary>
    public float Focal { get; }
    public Matrix4x4 View { get; }
    public Matrix4x4 Projection { get; }
    public Matrix4x4 ViewProjection { get; }

    /// <summary>Pixel position and eye-space depth (metres in front of the camera; ≤ 0 behind it).</summary>
    public (float X, float Y, float Depth) Project(Vector3 world)
    {
        var clip = Vector4.Transform(new Vector4(world, 1), ViewProjection);
        float depth = clip.W;                       // w = −z_eye
        if (depth <= 1e-6f) return (float.NaN, float.NaN, depth);
        return ((clip.X / depth + 1) * Width / 2 - 0.5f, (clip.Y / depth + 1) * Height / 2 - 0.5f, depth);
    }

    /// <summary>Eye-space depth of a depth-buffer value in [0, 1].</summary>
    public static float LinearDepth(float buffer)
    {
        float ndc = 2 * buffer - 1;
        float a = -(Far + Near) / (Far - Near), b = -2 * Far * Near / (Far - Near);
        return b / (ndc + a);
    }

    public bool Inside(float x, float y) => x >= -0.5f && y >= -0.5f && x < Width - 0.5f && y < Height - 0.5f;
}
