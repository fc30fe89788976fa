namespace PoseLive.Pipeline.Live;

/// <summary>
/// How many people fit in a frame's pose budget: the measured cost of one person (a moving average of the pose
/// net's time per person, batch overhead included) divided into the budget's milliseconds; at least one.
/// </summary>
internal sealed class PoseBudget(double budgetMs, double initialMsPerPerson = 6)
{
    private double _msPerPerson = initialMsPerPerson;

    public double BudgetMs { get; } = budgetMs;

    /// <summary>The current estimate of one person's cost.</summary>
    public double MsPerPerson => _msPerPerson;

    public int People => Math.Max(1, (int)Math.Floor(BudgetMs / _msPerPerson));

    /// <summary>A pose run of <paramref name="people"/> people took <paramref name="ms"/>.</summary>
    public void Observe(double ms, int people)
    {
        if (people <= 0) return;
        _msPerPerson = 0.8 * _msPerPerson + 0.2 * (ms / people);
    }
}
