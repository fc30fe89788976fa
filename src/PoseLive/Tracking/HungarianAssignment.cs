namespace PoseLive.Tracking;

/// <summary>
/// Minimum-cost assignment on a rectangular cost matrix (Kuhn–Munkres with potentials, O(n²m)). An instance keeps
/// its work arrays between calls, so a tracker solving every frame allocates nothing once they have grown.
/// </summary>
public sealed class HungarianAssignment
{
    private double[] _u = [], _v = [], _minv = [];
    private int[] _p = [], _way = [];
    private bool[] _used = [];

    /// <summary>For each row, the assigned column or −1 (when there are more rows than columns).</summary>
    public static int[] Solve(double[,] cost)
    {
        var result = new int[cost.GetLength(0)];
        new HungarianAssignment().Solve(cost, cost.GetLength(0), cost.GetLength(1), result);
        return result;
    }

    /// <summary>
    /// Solves the top-left <paramref name="rows"/> × <paramref name="cols"/> block of <paramref name="cost"/> (which may be
    /// larger: a reused matrix); writes each row's column, or −1, into <paramref name="result"/>[0..rows).
    /// </summary>
    public void Solve(double[,] cost, int rows, int cols, Span<int> result)
    {
        bool transposed = rows > cols;
        int n = transposed ? cols : rows, m = transposed ? rows : cols; // n ≤ m
        Grow(m + 1);
        Span<double> u = _u.AsSpan(0, n + 1), v = _v.AsSpan(0, m + 1), minv = _minv.AsSpan(0, m + 1);
        Span<int> p = _p.AsSpan(0, m + 1), way = _way.AsSpan(0, m + 1);   // p[j]: row matched to column j (1-based), 0 = free
        Span<bool> used = _used.AsSpan(0, m + 1);
        u.Clear(); v.Clear(); p.Clear(); way.Clear();
        for (int i = 1; i <= n; i++)
        {
            p[0] = i;
            int j0 = 0;
            minv.Fill(double.PositiveInfinity);
            used.Clear();
            do
            {
                used[j0] = true;
                int i0 = p[j0], j1 = 0;
                double delta = double.PositiveInfinity;
                for (int j = 1; j <= m; j++)
                {
                    if (used[j]) continue;
                    double cur = (transposed ? cost[j - 1, i0 - 1] : cost[i0 - 1, j - 1]) - u[i0] - v[j];
                    if (cur < minv[j]) { minv[j] = cur; way[j] = j0; }
                    if (minv[j] < delta) { delta = minv[j]; j1 = j; }
                }
                for (int j = 0; j <= m; j++)
                {
                    if (used[j]) { u[p[j]] += delta; v[j] -= delta; }
                    else minv[j] -= delta;
                }
                j0 = j1;
            } while (p[j0] != 0);
            do
            {
                int j1 = way[j0];
                p[j0] = p[j1];
                j0 = j1;
            } while (j0 != 0);
        }
        result[..rows].Fill(-1);
        for (int j = 1; j <= m; j++)
        {
            if (p[j] == 0) continue;
            if (transposed) result[j - 1] = p[j] - 1; // row (original) j−1 ↔ column p[j]−1
            else result[p[j] - 1] = j - 1;
        }
    }

    private void Grow(int size)
    {
        if (_u.Length >= size) return;
        size = Math.Max(size, 2 * _u.Length);
        (_u, _v, _minv) = (new double[size], new double[size], new double[size]);
        (_p, _way, _used) = (new int[size], new int[size], new bool[size]);
    }
}
