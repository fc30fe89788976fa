namespace PoseLive.Pipeline.Live;

/// <summary>
/// How many people fit in a frame's pose budget. A batched pose run costs a fixed part (the call, the batch set-up)
/// plus a part per person, so the cost is modelled as <c>fixed + perPerson · n</c>, fitted by least squares over the
/// recent runs (exponentially forgotten) with a weak prior that splits a run's cost between the two parts while only
/// one batch size has been seen. Dividing the average cost per person into the budget instead would never try a
/// larger batch: one person's run carries the whole fixed part, so the estimate stays at the batch size it started
/// at. <see cref="People"/> is the largest n whose modelled cost fits; at least one.
/// </summary>
internal sealed class PoseBudget
{
    private const double Forget = 0.95;       // weight of a run after the next one
    private const double PriorWeight = 0.05;  // in runs' worth: enough to split a single batch size, soon outweighed
    private readonly double _fixed0, _per0;
    private double _w, _wn, _wnn, _wy, _wny;  // forgotten sums over the runs: 1, n, n², ms, n·ms

    public PoseBudget(double budgetMs, double initialFixedMs = 3, double initialMsPerPerson = 6)
    {
        BudgetMs = budgetMs;
        (_fixed0, _per0) = (initialFixedMs, initialMsPerPerson);
        (FixedMs, MsPerPerson) = (initialFixedMs, initialMsPerPerson);
    }

    public double BudgetMs { get; }

    /// <summary>The modelled cost of a run, whatever its size.</summary>
    public double FixedMs { get; private set; }

    /// <summary>The modelled cost of each person in a run.</summary>
    public double MsPerPerson { get; private set; }

    public int People => Math.Max(1, (int)Math.Floor((BudgetMs - FixedMs) / MsPerPerson));

    /// <summary>A pose run of <paramref name="people"/> people took <paramref name="ms"/>.</summary>
    public void Observe(double ms, int people)
    {
        if (people <= 0 || !double.IsFinite(ms) || ms < 0) return;
        double n = people;
        _w = Forget * _w + 1;
        _wn = Forget * _wn + n;
        _wnn = Forget * _wnn + n * n;
        _wy = Forget * _wy + ms;
        _wny = Forget * _wny + n * ms;
        // minimise Σ w (y − a − b·n)² + λ((a − a0)² + (b − b0)²): the normal equations, 2×2
        double l = PriorWeight;
        double s00 = _w + l, s01 = _wn, s11 = _wnn + l;
        double r0 = _wy + l * _fixed0, r1 = _wny + l * _per0;
        double det = s00 * s11 - s01 * s01;
        double a = (r0 * s11 - r1 * s01) / det, b = (s00 * r1 - s01 * r0) / det;
        if (b < 0.05)                                        // noise made the slope vanish: all of the cost per person
        {
            b = Math.Max(0.05, _wy / Math.Max(1e-9, _wn));
            a = 0;
        }
        FixedMs = Math.Max(0, a);
        MsPerPerson = b;
    }
}
