using System.Numerics;

namespace PoseLive.Synthetic;

/// <summary>What part of the coat a primitive is: the shader colours body, lower legs, hair, hooves, eyes and muzzle apart.</summary>
public enum CoatRegion { Body = 0, Leg = 1, Hair = 2, Hoof = 3, Eye = 4, Muzzle = 5 }

/// <summary>
/// One volume of the horse's skin in rest pose, bound to a bone: a capsule whose radius runs linearly from
/// <see cref="R0"/> at A to <see cref="R1"/> at B, or an ellipsoid (centre A, radii along the orthonormal
/// <see cref="Axes"/>). <see cref="Blend"/> is the smooth-union radius joining it to the rest of the body.
/// </summary>
public sealed record SkinPrimitive(int Bone, bool IsEllipsoid, Vector3 A, Vector3 B, float R0, float R1, Vector3 Radii, Matrix4x4 Axes,
    float Blend, CoatRegion Region)
{
    public static SkinPrimitive Capsule(int bone, Vector3 a, Vector3 b, float r0, float r1, float blend, CoatRegion region = CoatRegion.Body) =>
        new(bone, false, a, b, r0, r1, default, Matrix4x4.Identity, blend, region);

    /// <summary>An ellipsoid with its first axis along <paramref name="along"/>, the second in the plane of <paramref name="up"/>.</summary>
    public static SkinPrimitive Ellipsoid(int bone, Vector3 centre, Vector3 along, Vector3 up, Vector3 radii, float blend, CoatRegion region = CoatRegion.Body)
    {
        var x = Vector3.Normalize(along);
        var z = Vector3.Normalize(Vector3.Cross(x, up));
        var y = Vector3.Cross(z, x);
        // rows are the axes: local = (p − c)·Axesᵀ
        var axes = new Matrix4x4(x.X, y.X, z.X, 0, x.Y, y.Y, z.Y, 0, x.Z, y.Z, z.Z, 0, 0, 0, 0, 1);
        return new(bone, true, centre, centre, 0, 0, radii, axes, blend, region);
    }

    /// <summary>Signed distance (approximate outside the exact cases; exact enough to polygonise and to weight skinning).</summary>
    public float Distance(Vector3 p)
    {
        if (IsEllipsoid)
        {
            var local = Vector3.Transform(p - A, Axes);
            var q = local / Radii;
            float k0 = q.Length();
            if (k0 < 1e-6f) return -MathF.Min(Radii.X, MathF.Min(Radii.Y, Radii.Z));
            float k1 = (local / (Radii * Radii)).Length();
            return k0 * (k0 - 1) / k1;
        }
        var ab = B - A;
        float len2 = Vector3.Dot(ab, ab);
        float t = len2 > 0 ? Math.Clamp(Vector3.Dot(p - A, ab) / len2, 0, 1) : 0;
        return Vector3.Distance(p, A + t * ab) - (R0 + (R1 - R0) * t);
    }

    /// <summary>The axis-aligned box the primitive fills (rest pose).</summary>
    public (Vector3 Min, Vector3 Max) Bounds()
    {
        if (IsEllipsoid)
        {
            float r = MathF.Max(Radii.X, MathF.Max(Radii.Y, Radii.Z));
            return (A - new Vector3(r), A + new Vector3(r));
        }
        float m = MathF.Max(R0, R1);
        return (Vector3.Min(A, B) - new Vector3(m), Vector3.Max(A, B) + new Vector3(m));
    }

    /// <summary>Polynomial smooth minimum of two distances with blend radius <paramref name="k"/>.</summary>
    public static float SmoothMin(float a, float b, float k)
    {
        if (k <= 0) return MathF.Min(a, b);
        float h = MathF.Max(k - MathF.Abs(a - b), 0) / k;
        return MathF.Min(a, b) - h * h * k * 0.25f;
    }
}
