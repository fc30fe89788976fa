using System.Numerics;

namespace PoseLive.Synthetic;

/// <summary>
/// The skin of one <see cref="HorseSkeleton"/>: its volumes joined by smooth union into one field, polygonised once
/// (<see cref="SurfaceNets"/>) into a closed surface, with normals from the field's gradient and linear-blend skinning
/// weights (up to four bones per vertex, from how close each bone's volumes are). Vertex layout
/// (<see cref="FloatsPerVertex"/> floats): rest position xyz, normal xyz, bone indices ×4, weights ×4, coat region.
/// </summary>
public sealed class HorseMesh
{
    public const int FloatsPerVertex = 15;

    /// <summary>Grid cells of the levels of detail, over the withers height (finest first).</summary>
    public static IReadOnlyList<float> LodCells { get; } = [0.011f, 0.017f, 0.028f];

    /// <summary>The coarsest level whose cells are at most <paramref name="maxPixels"/> wide when the withers height spans <paramref name="withersPixels"/>.</summary>
    public static int LodFor(double withersPixels, double maxPixels = 4.5)
    {
        for (int l = LodCells.Count - 1; l > 0; l--)
            if (LodCells[l] * withersPixels <= maxPixels) return l;
        return 0;
    }

    /// <summary>All levels of detail of one skeleton's skin, finest first.</summary>
    public static HorseMesh[] Levels(HorseSkeleton skeleton) => LodCells.Select(c => new HorseMesh(skeleton, c)).ToArray();

    public HorseMesh(HorseSkeleton skeleton, float cellFraction = 0.011f)
    {
        var prims = skeleton.Primitives;
        float h = (float)skeleton.Shape.WithersHeight;
        float step = cellFraction * h;
        var lo = new Vector3(float.MaxValue);
        var hi = new Vector3(float.MinValue);
        foreach (var p in prims)
        {
            var (a, b) = p.Bounds();
            lo = Vector3.Min(lo, a);
            hi = Vector3.Max(hi, b);
        }
        lo -= new Vector3(3 * step);
        hi += new Vector3(3 * step);
        int nx = (int)MathF.Ceiling((hi.X - lo.X) / step) + 1, ny = (int)MathF.Ceiling((hi.Y - lo.Y) / step) + 1, nz = (int)MathF.Ceiling((hi.Z - lo.Z) / step) + 1;
        var field = new float[nx * ny * nz];
        Array.Fill(field, 1e3f);
        // each volume only where it can matter: its box grown by its blend radius
        foreach (var p in prims)
        {
            var (a, b) = p.Bounds();
            var margin = new Vector3(p.Blend + 2 * step);
            var (i0, j0, k0) = Cell(a - margin, lo, step);
            var (i1, j1, k1) = Cell(b + margin, lo, step);
            for (int k = Math.Max(0, k0); k <= Math.Min(nz - 1, k1 + 1); k++)
                for (int j = Math.Max(0, j0); j <= Math.Min(ny - 1, j1 + 1); j++)
                    for (int i = Math.Max(0, i0); i <= Math.Min(nx - 1, i1 + 1); i++)
                    {
                        int at = (k * ny + j) * nx + i;
                        field[at] = SkinPrimitive.SmoothMin(field[at], p.Distance(lo + new Vector3(i, j, k) * step), p.Blend);
                    }
        }
        var (cells, triangles) = SurfaceNets.Polygonise(field, nx, ny, nz);
        var reach = new Vector3(0.06f * h);
        var bounds = prims.Select(q => { var (a, b) = q.Bounds(); return (a - reach, b + reach); }).ToArray();
        int count = cells.Count;
        var data = new float[count * FloatsPerVertex];
        Span<float> best = stackalloc float[HorseBones.Count];
        var positions = new Vector3[count];
        Span<int> bones = stackalloc int[4];
        Span<float> weights = stackalloc float[4];
        for (int v = 0; v < count; v++)
        {
            var c = cells[v];
            var p = lo + new Vector3(c.X, c.Y, c.Z) * step;
            positions[v] = p;
            var normal = Gradient(field, nx, ny, nz, c.X, c.Y, c.Z);
            // per bone: the nearest of its volumes; the region of the nearest volume overall (volumes far away skipped)
            best.Fill(float.MaxValue);
            float nearest = float.MaxValue;
            var region = CoatRegion.Body;
            for (int q = 0; q < prims.Count; q++)
            {
                var prim = prims[q];
                var (bmin, bmax) = bounds[q];
                if (p.X < bmin.X || p.Y < bmin.Y || p.Z < bmin.Z || p.X > bmax.X || p.Y > bmax.Y || p.Z > bmax.Z) continue;
                float d = prim.Distance(p);
                if (d < best[prim.Bone]) best[prim.Bone] = d;
                if (d < nearest) { nearest = d; region = prim.Region; }
            }
            TopWeights(best, 0.012f * h, bones, weights);
            int o = v * FloatsPerVertex;
            data[o] = p.X; data[o + 1] = p.Y; data[o + 2] = p.Z;
            data[o + 3] = normal.X; data[o + 4] = normal.Y; data[o + 5] = normal.Z;
            for (int i = 0; i < 4; i++) { data[o + 6 + i] = bones[i]; data[o + 10 + i] = weights[i]; }
            data[o + 14] = (float)region;
        }
        Vertices = data;
        Indices = triangles.Select(t => (uint)t).ToArray();
        Positions = positions;
        Skeleton = skeleton;
    }

    public HorseSkeleton Skeleton { get; }

    /// <summary>Interleaved vertex data, <see cref="FloatsPerVertex"/> floats per vertex.</summary>
    public float[] Vertices { get; }

    /// <summary>Triangle list.</summary>
    public uint[] Indices { get; }

    /// <summary>Rest positions (the same as in <see cref="Vertices"/>).</summary>
    public Vector3[] Positions { get; }

    public int VertexCount => Positions.Length;

    /// <summary>
    /// Linear-blend skinning of every vertex: writes posed position and normal (6 floats per vertex) into
    /// <paramref name="posed"/>. Done on the CPU: llvmpipe runs vertex shaders on one thread, and blending four bone
    /// matrices per vertex there cost more than all the rest of a frame.
    /// </summary>
    public void Skin(ReadOnlySpan<Matrix4x4> skinning, Span<float> posed)
    {
        if (posed.Length != VertexCount * 6) throw new ArgumentException($"Posed buffer holds {posed.Length} floats, {VertexCount * 6} expected.");
        var data = Vertices;
        for (int v = 0, o = 0; v < VertexCount; v++, o += FloatsPerVertex)
        {
            var rest = new Vector3(data[o], data[o + 1], data[o + 2]);
            var normal = new Vector3(data[o + 3], data[o + 4], data[o + 5]);
            Vector3 p = default, n = default;
            for (int i = 0; i < 4; i++)
            {
                float w = data[o + 10 + i];
                if (w <= 0) continue;
                ref readonly var m = ref skinning[(int)data[o + 6 + i]];
                p += w * Vector3.Transform(rest, m);
                n += w * Vector3.TransformNormal(normal, m);
            }
            int q = v * 6;
            posed[q] = p.X; posed[q + 1] = p.Y; posed[q + 2] = p.Z;
            posed[q + 3] = n.X; posed[q + 4] = n.Y; posed[q + 5] = n.Z;
        }
    }

    /// <summary>Vertex <paramref name="v"/> posed (as <see cref="Skin(ReadOnlySpan{Matrix4x4}, Span{float})"/> does).</summary>
    public Vector3 Skin(int v, ReadOnlySpan<Matrix4x4> skinning)
    {
        int o = v * FloatsPerVertex;
        var rest = Positions[v];
        var sum = Vector3.Zero;
        for (int i = 0; i < 4; i++)
        {
            float w = Vertices[o + 10 + i];
            if (w > 0) sum += w * Vector3.Transform(rest, skinning[(int)Vertices[o + 6 + i]]);
        }
        return sum;
    }

    private static (int, int, int) Cell(Vector3 p, Vector3 lo, float step) =>
        ((int)MathF.Floor((p.X - lo.X) / step), (int)MathF.Floor((p.Y - lo.Y) / step), (int)MathF.Floor((p.Z - lo.Z) / step));

    // the field's gradient at grid point (x, y, z) (fractional), from trilinear samples half a cell either side
    private static Vector3 Gradient(float[] field, int nx, int ny, int nz, float x, float y, float z)
    {
        const float e = 0.5f;
        var g = new Vector3(
            Trilinear(field, nx, ny, nz, x + e, y, z) - Trilinear(field, nx, ny, nz, x - e, y, z),
            Trilinear(field, nx, ny, nz, x, y + e, z) - Trilinear(field, nx, ny, nz, x, y - e, z),
            Trilinear(field, nx, ny, nz, x, y, z + e) - Trilinear(field, nx, ny, nz, x, y, z - e));
        float len = g.Length();
        return len > 1e-9f ? g / len : Vector3.UnitY;
    }

    private static float Trilinear(float[] f, int nx, int ny, int nz, float x, float y, float z)
    {
        x = Math.Clamp(x, 0, nx - 1.001f); y = Math.Clamp(y, 0, ny - 1.001f); z = Math.Clamp(z, 0, nz - 1.001f);
        int i = (int)x, j = (int)y, k = (int)z;
        float u = x - i, v = y - j, w = z - k;
        float At(int di, int dj, int dk) => f[((k + dk) * ny + j + dj) * nx + i + di];
        float c00 = At(0, 0, 0) * (1 - u) + At(1, 0, 0) * u, c10 = At(0, 1, 0) * (1 - u) + At(1, 1, 0) * u;
        float c01 = At(0, 0, 1) * (1 - u) + At(1, 0, 1) * u, c11 = At(0, 1, 1) * (1 - u) + At(1, 1, 1) * u;
        return (c00 * (1 - v) + c10 * v) * (1 - w) + (c01 * (1 - v) + c11 * v) * w;
    }

    // softmax over −distance/σ of the four nearest bones; weights under 2 % dropped
    private static void TopWeights(ReadOnlySpan<float> distance, float sigma, Span<int> bones, Span<float> weights)
    {
        bones.Fill(0);
        weights.Clear();
        Span<float> d = stackalloc float[4];
        d.Fill(float.MaxValue);
        for (int b = 0; b < distance.Length; b++)
        {
            float x = distance[b];
            if (x == float.MaxValue) continue;
            for (int s = 0; s < 4; s++)
                if (x < d[s])
                {
                    for (int m = 3; m > s; m--) { d[m] = d[m - 1]; bones[m] = bones[m - 1]; }
                    d[s] = x; bones[s] = b;
                    break;
                }
        }
        float total = 0;
        for (int s = 0; s < 4; s++)
        {
            weights[s] = d[s] == float.MaxValue ? 0 : MathF.Exp(-(d[s] - d[0]) / sigma);
            if (weights[s] < 0.02f) weights[s] = 0;
            total += weights[s];
        }
        for (int s = 0; s < 4; s++) weights[s] /= total;
    }
}
