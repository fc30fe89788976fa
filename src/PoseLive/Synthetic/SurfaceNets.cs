namespace PoseLive.Synthetic;

/// <summary>
/// Polygonises the zero level set of a field sampled on a regular grid (naive surface nets): one vertex per cell the
/// surface crosses, at the mean of the cell's edge crossings; one quad (two triangles) per grid edge the surface
/// crosses, joining the four cells around it. The result is closed wherever the field is negative only inside the grid.
/// </summary>
public static class SurfaceNets
{
    /// <summary>Returns vertices in grid units (cell corner (i, j, k) at (i, j, k)) and triangle indices.</summary>
    public static (List<(float X, float Y, float Z)> Vertices, List<int> Triangles) Polygonise(float[] field, int nx, int ny, int nz)
    {
        if (field.Length != nx * ny * nz) throw new ArgumentException($"Field holds {field.Length} samples, {nx}x{ny}x{nz} expected.");
        int Index(int i, int j, int k) => (k * ny + j) * nx + i;
        int cx = nx - 1, cy = ny - 1, cz = nz - 1;
        var cell = new int[cx * cy * cz];
        Array.Fill(cell, -1);
        var vertices = new List<(float, float, float)>();
        Span<float> corner = stackalloc float[8];
        for (int k = 0; k < cz; k++)
            for (int j = 0; j < cy; j++)
                for (int i = 0; i < cx; i++)
                {
                    int inside = 0;
                    for (int c = 0; c < 8; c++)
                    {
                        corner[c] = field[Index(i + (c & 1), j + ((c >> 1) & 1), k + ((c >> 2) & 1))];
                        if (corner[c] < 0) inside++;
                    }
                    if (inside == 0 || inside == 8) continue;
                    float sx = 0, sy = 0, sz = 0;
                    int crossings = 0;
                    for (int c = 0; c < 8; c++)
                        for (int axis = 0; axis < 3; axis++)
                        {
                            int bit = 1 << axis;
                            if ((c & bit) != 0) continue;          // each edge once, from its lower corner
                            int d = c | bit;
                            float a = corner[c], b = corner[d];
                            if ((a < 0) == (b < 0)) continue;
                            float t = a / (a - b);
                            float px = c & 1, py = (c >> 1) & 1, pz = (c >> 2) & 1;
                            if (axis == 0) px = t; else if (axis == 1) py = t; else pz = t;
                            sx += px; sy += py; sz += pz;
                            crossings++;
                        }
                    cell[(k * cy + j) * cx + i] = vertices.Count;
                    vertices.Add((i + sx / crossings, j + sy / crossings, k + sz / crossings));
                }

        var triangles = new List<int>();
        int Cell(int i, int j, int k) => cell[(k * cy + j) * cx + i];
        void Quad(int a, int b, int c, int d, bool flip)
        {
            if (a < 0 || b < 0 || c < 0 || d < 0) return;
            if (flip) (b, d) = (d, b);
            triangles.AddRange([a, b, c, a, c, d]);
        }
        for (int k = 0; k < nz; k++)
            for (int j = 0; j < ny; j++)
                for (int i = 0; i < nx; i++)
                {
                    float f0 = field[Index(i, j, k)];
                    bool in0 = f0 < 0;
                    // x edge: cells (i, j-1..j, k-1..k)
                    if (i < cx && j > 0 && k > 0 && (field[Index(i + 1, j, k)] < 0) != in0)
                        Quad(SafeCell(i, j - 1, k - 1), SafeCell(i, j, k - 1), SafeCell(i, j, k), SafeCell(i, j - 1, k), !in0);
                    if (j < cy && i > 0 && k > 0 && (field[Index(i, j + 1, k)] < 0) != in0)
                        Quad(SafeCell(i - 1, j, k - 1), SafeCell(i - 1, j, k), SafeCell(i, j, k), SafeCell(i, j, k - 1), !in0);
                    if (k < cz && i > 0 && j > 0 && (field[Index(i, j, k + 1)] < 0) != in0)
                        Quad(SafeCell(i - 1, j - 1, k), SafeCell(i, j - 1, k), SafeCell(i, j, k), SafeCell(i - 1, j, k), !in0);
                }
        return (vertices, triangles);

        int SafeCell(int i, int j, int k) => i < cx && j < cy && k < cz ? Cell(i, j, k) : -1;
    }
}
