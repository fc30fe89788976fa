namespace PoseLive.Tracking;

/// <summary>Minimum-cost assignment on a rectangular cost matrix (Kuhn–Munkres with potentials, O(n²m)).</summary>
public static class HungarianAssignment
{
    /// <summary>For each row, the assigned column or −1 (when there are more rows than columns).</summary>
    public static int[] Solve(double[,] cost)
    {
        int rows = cost.GetLength(0), cols = cost.GetLength(1);
        bool transposed = rows > cols;
        int n = transposed ? cols : rows, m = transposed ? rows : cols; // n ≤ m
        double C(int i, int j) => transposed ? cost[j, i] : cost[i, j];
        var u = new double[n + 1];
        var v = new double[m + 1];
        var p = new int[m + 1];   // p[j]: row matched to column j (1-based), 0 = free
        var way = new int[m + 1];
        for (int i = 1; i <= n; i++)
        {
            p[0] = i;
            int j0 = 0;
            var minv = new double[m + 1];
            Array.Fill(minv, double.PositiveInfinity);
            var used = new bool[m + 1];
            do
            {
                used[j0] = true;
                int i0 = p[j0], j1 = 0;
                double delta = double.PositiveInfinity;
                for (int j = 1; j <= m; j++)
                {
                    if (used[j]) continue;
                    double cur = C(i0 - 1, j - 1) - u[i0] - v[j];
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
        var result = new int[rows];
        Array.Fill(result, -1);
        for (int j = 1; j <= m; j++)
        {
            if (p[j] == 0) continue;
            if (transposed) result[j - 1] = p[j] - 1; // row (original) j−1 ↔ column p[j]−1
            else result[p[j] - 1] = j - 1;
        }
        return result;
    }
}
