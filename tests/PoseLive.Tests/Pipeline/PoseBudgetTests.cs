using PoseLive.Pipeline.Live;

namespace PoseLive.Tests.Pipeline;

/// <summary>The live pose budget's cost model: a fixed part per run plus a part per person.</summary>
public sealed class PoseBudgetTests
{
    [Fact]
    public void Runs_of_several_sizes_recover_the_fixed_and_per_person_costs()
    {
        var budget = new PoseBudget(26);
        for (int i = 0; i < 60; i++)
        {
            int n = 1 + i % 3;
            budget.Observe(4 + 5 * n, n);                                  // a run costs 4 ms + 5 ms per person
        }
        Assert.Equal(4, budget.FixedMs, 1);
        Assert.Equal(5, budget.MsPerPerson, 1);
        Assert.Equal(4, budget.People);                                     // 4 + 4·5 = 24 ≤ 26 < 29
    }

    [Fact]
    public void Single_person_runs_do_not_lock_the_batch_at_one_and_the_next_size_settles_it()
    {
        // true cost 5 + 10 n: one person 15 ms, two 25 ms, three 35 ms; budget 26.7 ms holds two
        var budget = new PoseBudget(26.7);
        for (int i = 0; i < 30; i++) budget.Observe(15, 1);
        Assert.Equal(2, budget.People);                                     // dividing 15 ms into 26.7 would say 1, for ever
        for (int i = 0; i < 30; i++) budget.Observe(5 + 10 * budget.People, budget.People);
        Assert.Equal(2, budget.People);
        Assert.Equal(5, budget.FixedMs, 0);
        Assert.Equal(10, budget.MsPerPerson, 0);
    }

    [Fact]
    public void A_slower_machine_shrinks_the_batch_and_it_never_drops_below_one()
    {
        var budget = new PoseBudget(21);
        for (int i = 0; i < 60; i++) budget.Observe(2 + 3 * (1 + i % 4), 1 + i % 4);
        Assert.Equal(6, budget.People);                                     // 2 + 6·3 = 20 ≤ 21 < 23
        for (int i = 0; i < 200; i++) budget.Observe(10 + 30 * (1 + i % 2), 1 + i % 2);
        Assert.Equal(1, budget.People);                                     // even one person (40 ms) is over: still one
    }
}
