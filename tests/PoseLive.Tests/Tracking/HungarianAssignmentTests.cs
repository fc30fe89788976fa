using FsCheck;
using FsCheck.Fluent;
using PoseLive.Tracking;

namespace PoseLive.Tests.Tracking;

public class HungarianAssignmentTests
{
    [Fact]
    public void Finds_the_minimum_cost_assignment_of_a_known_matrix()
    {
        double[,] cost = { { 4, 1, 3 }, { 2, 0, 5 }, { 3, 2, 2 } };
        Assert.Equal([1, 0, 2], HungarianAssignment.Solve(cost));   // 1 + 2 + 2 = 5
    }

    [Fact]
    public void Matches_brute_force_on_random_rectangular_matrices()
    {
        var gen = from rows in Gen.Choose(1, 5)
                  from cols in Gen.Choose(1, 5)
                  from values in Gen.ListOf(Gen.Choose(0, 50), rows * cols)
                  select (rows, cols, values.ToArray());
        Prop.ForAll(Arb.From(gen), input =>
        {
            var (rows, cols, values) = input;
            var cost = new double[rows, cols];
            for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) cost[i, j] = values[i * cols + j];
            var a = HungarianAssignment.Solve(cost);
            int assigned = a.Count(x => x >= 0);
            bool valid = assigned == Math.Min(rows, cols) && a.Where(x => x >= 0).Distinct().Count() == assigned;
            double total = Enumerable.Range(0, rows).Where(i => a[i] >= 0).Sum(i => cost[i, a[i]]);
            return valid && total == BruteForce(cost, rows, cols);
        }).QuickCheckThrowOnFailure();
    }

    private static double BruteForce(double[,] cost, int rows, int cols)
    {
        double best = double.MaxValue;
        void Go(int i, bool[] used, double sum, int remaining)
        {
            if (remaining == 0 || i == rows) { if (remaining == 0) best = Math.Min(best, sum); return; }
            if (rows - i > remaining) Go(i + 1, used, sum, remaining);                 // leave row i unassigned
            for (int j = 0; j < cols; j++)
                if (!used[j]) { used[j] = true; Go(i + 1, used, sum + cost[i, j], remaining - 1); used[j] = false; }
        }
        Go(0, new bool[cols], 0, Math.Min(rows, cols));
        return best;
    }
}
