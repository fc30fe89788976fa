namespace PoseLive.Tracking;

/// <summary>
/// Identity metrics (Ristani et al. 2016): IDF1 = 2·IDTP / (2·IDTP + IDFP + IDFN), with the one-to-one
/// ground-truth ↔ track mapping that maximises the number of frames they agree on.
/// </summary>
public sealed class IdentityMetrics
{
    private readonly Dictionary<(int Truth, int Track), int> _cooccurrence = [];
    private int _truthDetections, _trackDetections;

    /// <summary>Adds one frame: the ground-truth ids present, the track ids reported, and which pairs are the same person.</summary>
    public void AddFrame(int truthCount, int trackCount, IEnumerable<(int Truth, int Track)> matches)
    {
        _truthDetections += truthCount;
        _trackDetections += trackCount;
        foreach (var m in matches) _cooccurrence[m] = _cooccurrence.GetValueOrDefault(m) + 1;
    }

    public double Idf1
    {
        get
        {
            if (_truthDetections + _trackDetections == 0) return 1;
            var truths = _cooccurrence.Keys.Select(k => k.Truth).Distinct().Order().ToArray();
            var tracks = _cooccurrence.Keys.Select(k => k.Track).Distinct().Order().ToArray();
            double idtp = 0;
            if (truths.Length > 0 && tracks.Length > 0)
            {
                var cost = new double[truths.Length, tracks.Length];
                for (int i = 0; i < truths.Length; i++)
                    for (int j = 0; j < tracks.Length; j++) cost[i, j] = -_cooccurrence.GetValueOrDefault((truths[i], tracks[j]));
                var assignment = HungarianAssignment.Solve(cost);
                for (int i = 0; i < truths.Length; i++) if (assignment[i] >= 0) idtp -= cost[i, assignment[i]];
            }
            double idfn = _truthDetections - idtp, idfp = _trackDetections - idtp;
            return 2 * idtp / (2 * idtp + idfp + idfn);
        }
    }
}
