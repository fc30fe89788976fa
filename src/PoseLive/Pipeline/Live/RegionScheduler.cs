using PoseLive.Detection;
using PoseLive.Media;
using PoseLive.Pose;
using PoseLive.Tracking;

namespace PoseLive.Pipeline.Live;

/// <summary>
/// Decides, each live frame, which people the pose net estimates: the regions are the tracker's tracks moved to the
/// frame's time (boxes from their keypoints) plus the people the detector found that no track covers yet. Within
/// the frame's budget, in priority order — new people first, then tracks stalest first (so over budget they take
/// turns), then tracks lost in the last frame — skipping a region that duplicates one already chosen. The tracks
/// left over are extrapolated by the tracker; new people left over wait for a later frame. With
/// <see cref="LiveOptions.MaxPeople"/>, the longest-tracked people fill the cap and new ones only its free places;
/// the tracks beyond it are neither estimated nor extrapolated, so the tracker lets them go.
/// </summary>
internal sealed class RegionScheduler(LiveOptions options)
{
    private readonly LiveOptions _o = options;
    private readonly List<DetectedBox> _pending = [];
    private readonly List<double> _pendingSince = [];
    private readonly List<TrackRegion> _atDetection = [];
    private readonly List<TrackRegion> _order = [];

    /// <summary>People found by the detector and not yet estimated.</summary>
    public int Pending => _pending.Count;

    /// <summary>
    /// Merges a detection made on the frame at <paramref name="time"/> (earlier than the tracker's present): each box
    /// is compared with the tracks as they were then; one that overlaps none becomes a new region.
    /// </summary>
    public void Merge(MediaTime time, IReadOnlyList<DetectedBox> boxes, PoseTracker tracker)
    {
        tracker.Regions(time, _atDetection);
        for (int i = 0; i < boxes.Count; i++)
        {
            var d = boxes[i];
            bool tracked = false;
            foreach (var r in _atDetection)
                if (!r.Lost && d.Box.IoU(r.PredictedBox) >= _o.TrackedIoU) { tracked = true; break; }
            if (tracked) continue;
            int same = -1;
            for (int k = 0; k < _pending.Count && same < 0; k++) if (_pending[k].Box.IoU(d.Box) >= _o.DuplicateIoU) same = k;
            if (same >= 0) { _pending[same] = d; _pendingSince[same] = time.Seconds; continue; }      // a newer look at the same person
            _pending.Add(d);
            _pendingSince.Add(time.Seconds);
        }
    }

    /// <summary>
    /// Plans the frame at <paramref name="time"/>: at most <paramref name="budget"/> regions into <paramref name="boxes"/>
    /// (with the key of the track each came from, or −1 for a new person, in <paramref name="keys"/>), and the keys of
    /// the tracks not estimated this frame into <paramref name="extrapolate"/>.
    /// </summary>
    public void Plan(MediaTime time, IReadOnlyList<TrackRegion> regions, int budget, int width, int height,
        List<DetectedBox> boxes, List<long> keys, HashSet<long> extrapolate)
    {
        boxes.Clear();
        keys.Clear();
        extrapolate.Clear();
        for (int i = _pending.Count - 1; i >= 0; i--)
            if (time.Seconds - _pendingSince[i] > _o.PendingSeconds) { _pending.RemoveAt(i); _pendingSince.RemoveAt(i); }
        _order.Clear();
        for (int i = 0; i < regions.Count; i++) _order.Add(regions[i]);
        int room = int.MaxValue;                                   // people the cap leaves for new ones
        if (_o.MaxPeople is int max)
        {
            if (_order.Count > max)                                // keep the longest-tracked: the set stays stable
            {
                _order.Sort(static (a, b) => a.Key.CompareTo(b.Key));
                _order.RemoveRange(max, _order.Count - max);
            }
            room = max - _order.Count;
        }
        for (int i = 0; i < _pending.Count && boxes.Count < budget && boxes.Count < room; )
        {
            if (Duplicates(_pending[i].Box, boxes)) { i++; continue; }
            boxes.Add(_pending[i]);
            keys.Add(-1);
            _pending.RemoveAt(i);
            _pendingSince.RemoveAt(i);
        }
        _order.Sort(static (a, b) => a.Lost != b.Lost ? a.Lost.CompareTo(b.Lost)
            : a.Lost ? b.LastSeen.CompareTo(a.LastSeen) : a.LastSeen != b.LastSeen ? a.LastSeen.CompareTo(b.LastSeen) : a.Key.CompareTo(b.Key));
        foreach (var r in _order)
        {
            var box = PropagatedRegion.From(r.PredictedKeypoints, _o.PropagationMinScore, width, height) ?? Clip(r.PredictedBox, width, height);
            if (box is not { } b || Duplicates(b, boxes)) continue;
            if (boxes.Count < budget)
            {
                boxes.Add(new DetectedBox(b, r.BoxScore, 0));
                keys.Add(r.Key);
            }
            else if (!r.Lost) extrapolate.Add(r.Key);
        }
    }

    private bool Duplicates(BoundingBox box, List<DetectedBox> chosen)
    {
        foreach (var c in chosen) if (c.Box.IoU(box) > _o.DuplicateIoU) return true;
        return false;
    }

    private static BoundingBox? Clip(BoundingBox b, int width, int height)
    {
        float x0 = Math.Max(0, b.X), y0 = Math.Max(0, b.Y), x1 = Math.Min(width, b.Right), y1 = Math.Min(height, b.Bottom);
        return x1 - x0 < 2 || y1 - y0 < 2 ? null : new BoundingBox(x0, y0, x1 - x0, y1 - y0);
    }
}
