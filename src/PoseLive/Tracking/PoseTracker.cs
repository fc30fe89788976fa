using PoseLive.Estimation;
using PoseLive.Media;
using PoseLive.Pose;

namespace PoseLive.Tracking;

/// <summary>Tracker settings. Times are media seconds.</summary>
public sealed record TrackerOptions
{
    /// <summary>Minimum similarity (max of OKS and box IoU) for a detection to continue a track.</summary>
    public double MinSimilarity { get; init; } = 0.1;
    /// <summary>How long a track that is not seen is kept (and can be resumed).</summary>
    public double MaxLostSeconds { get; init; } = 1.0;
    /// <summary>Consecutive matches before a new track gets an id and is reported.</summary>
    public int ConfirmHits { get; init; } = 2;
    /// <summary>Persons with a pose score below this neither start nor continue tracks.</summary>
    public float MinScore { get; init; } = 0.1f;
    public OneEuroParameters Smoothing { get; init; } = OneEuroParameters.Default;
    public bool Smooth { get; init; } = true;
    public double[] Sigmas { get; init; } = KeypointSchema.Coco17.Sigmas;
    /// <summary>The first id handed out (shards of one video use disjoint ranges).</summary>
    public int FirstTrackId { get; init; } = 1;
    /// <summary>
    /// Offline (not causal): when a track is confirmed, its earlier tentative frames are handed back
    /// (<see cref="PoseTracker.Backfill"/>) so that they can be written too; live output stays causal.
    /// </summary>
    public bool Backfill { get; init; }
    /// <summary>
    /// Measure a track's velocity from the centre of its confident keypoints instead of its box. Live, the box a pose comes
    /// with is the region predicted from the track's own velocity, so the box would only return the velocity it was given;
    /// the keypoints show where the person really went. Offline the boxes come from the detector or the last keypoints.
    /// Left out of the settings an annotation journal records while off, so journals written before it existed resume.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool VelocityFromKeypoints { get; init; }
}

/// <summary>
/// A tracked person in one frame: stable id, smoothed keypoints, and the raw estimate. <paramref name="Extrapolated"/>:
/// not estimated in this frame (live mode over its pose budget) but carried from the track's last pose by its velocity.
/// </summary>
public sealed record TrackedPerson(int TrackId, Keypoint[] Keypoints, BoundingBox Box, float Score, PersonPose Raw, bool Extrapolated = false)
{
    // immutable to users; a PeopleBuffer overwrites the ones it owns (the live path)
    private int _trackId = TrackId;
    private BoundingBox _box = Box;
    private float _score = Score;
    private PersonPose _raw = Raw;
    private bool _extrapolated = Extrapolated;

    public int TrackId { get => _trackId; init => _trackId = value; }
    public BoundingBox Box { get => _box; init => _box = value; }
    public float Score { get => _score; init => _score = value; }
    public PersonPose Raw { get => _raw; init => _raw = value; }
    public bool Extrapolated { get => _extrapolated; init => _extrapolated = value; }

    /// <summary>Overwrites a reused person (its <see cref="Keypoints"/> array is written by the owner).</summary>
    internal void Set(int trackId, BoundingBox box, float score, PersonPose raw, bool extrapolated) =>
        (_trackId, _box, _score, _raw, _extrapolated) = (trackId, box, score, raw, extrapolated);
}

/// <summary>
/// A live track as a region to estimate in the next frame: its tracker-internal key (stable from the first
/// sighting, before an id is given), id (0 while tentative), the last pose's keypoints and box moved by the velocity
/// to the asked time (<paramref name="PredictedKeypoints"/> belongs to the tracker and is valid until its next
/// <see cref="PoseTracker.Regions(double, List{TrackRegion})"/> or <see cref="PoseTracker.Update(double, IReadOnlyList{PersonPose}, IReadOnlyCollection{long}?)"/>),
/// the last pose's box score, and when it was last estimated.
/// </summary>
public readonly record struct TrackRegion(long Key, int TrackId, Keypoint[] PredictedKeypoints, BoundingBox PredictedBox, float BoxScore, double LastSeen, bool Lost);

/// <summary>
/// Multi-person tracker on media time: associates each frame's poses with existing tracks by the
/// Hungarian method on 1 − similarity, similarity = max(OKS, box IoU) against the track's last pose
/// moved to the current time by its velocity (so people who cross keep their ids), gated
/// by <see cref="TrackerOptions.MinSimilarity"/>; keeps unseen tracks for <see cref="TrackerOptions.MaxLostSeconds"/>;
/// gives ids only after <see cref="TrackerOptions.ConfirmHits"/> matches; smooths keypoints with One-Euro
/// filters whose speed is measured in box heights per second. Deterministic for identical input.
/// </summary>
public sealed class PoseTracker(TrackerOptions? options = null)
{
    private readonly TrackerOptions _o = options ?? new TrackerOptions();
    private readonly List<Track> _tracks = [];
    // work buffers reused every update, so a steady stream allocates only what it reports
    private readonly List<PersonPose> _candidates = [];
    private readonly List<Track> _byPriority = [];
    private readonly HungarianAssignment _hungarian = new();
    private Track?[] _assigned = [];
    private int[] _match = [];
    private double[,] _cost = new double[0, 0];
    private int _nextId = -1;
    private double _lastTime = double.NegativeInfinity;

    public TrackerOptions Options => _o;

    /// <summary>Tracks currently alive (confirmed or not).</summary>
    public int ActiveTracks => _tracks.Count;

    /// <summary>Whether any confirmed track was lost in the last update (a hint to run the detector again).</summary>
    public bool LostTrackRecently { get; private set; }

    private long _nextKey;

    private readonly Stack<Track> _freeTracks = new();               // dropped tracks, reused for new ones

    private sealed class Track(int keypoints, OneEuroParameters p)
    {
        public long Key;                     // internal, from the first sighting
        public int Id;                       // 0 until confirmed
        public readonly Keypoint[] LastSmoothed = new Keypoint[keypoints];   // what was last reported (extrapolation moves it)
        public bool Reported;                // LastSmoothed holds a report
        public bool Lost;                    // unseen in the last update, and not extrapolated
        public bool Matched;                 // continued by a pose in the current update
        public Keypoint[] Predicted = [];    // PredictInto's buffer
        public BoundingBox PredictedBox;
        public int Hits;
        public List<(double Time, Keypoint[] Keypoints, PersonPose Pose)>? Tentative; // with Backfill: the frames before confirmation
        public double LastSeen;
        /// <summary>A copy of the last pose (the track's own: the caller's poses may be reused after the update), without its heatmap.</summary>
        public readonly PersonPose Last = new(new Keypoint[keypoints], default, 0, 0);
        public bool Seen;                    // Last holds a pose
        public double Vx, Vy;                // velocity of the box (or keypoint) centre, px per media second

        public double CentreX, CentreY;      // where the velocity is measured from: the last pose's box or keypoint centre

        public int Keypoints => LastSmoothed.Length;

        /// <summary>Makes a dropped track new again, as a freshly created one.</summary>
        public void Reset(long key)
        {
            (Key, Id, Reported, Lost, Matched, Hits, Tentative, LastSeen, Seen, Vx, Vy, CentreX, CentreY) = (key, 0, false, false, false, 0, null, 0, false, 0, 0, 0, 0);
            PredictedBox = default;
            foreach (var f in Filters) f.Reset();
        }

        /// <summary>Updates the velocity estimate from the previous observation to <paramref name="pose"/>.</summary>
        public void Observe(PersonPose pose, double time, bool fromKeypoints)
        {
            double cx = pose.Box.CenterX, cy = pose.Box.CenterY;
            if (fromKeypoints) KeypointCentre(pose.Keypoints, ref cx, ref cy);
            if (Seen && time > LastSeen)
            {
                double dt = time - LastSeen;
                double vx = (cx - CentreX) / dt, vy = (cy - CentreY) / dt;
                bool first = Hits <= 1;
                Vx = first ? vx : 0.5 * Vx + 0.5 * vx;
                Vy = first ? vy : 0.5 * Vy + 0.5 * vy;
            }
            Last.CopyFrom(pose, heatmap: false);
            Seen = true;
            LastSeen = time;
            (CentreX, CentreY) = (cx, cy);
        }

        /// <summary>The mean of the keypoints scored ≥ 0.3, when there are at least three (else the given centre stays).</summary>
        private static void KeypointCentre(Keypoint[] keypoints, ref double x, ref double y)
        {
            double sx = 0, sy = 0;
            int n = 0;
            foreach (var k in keypoints)
                if (!k.IsMissing && k.Score >= 0.3f) { sx += k.X; sy += k.Y; n++; }
            if (n >= 3) (x, y) = (sx / n, sy / n);
        }

        /// <summary>The last pose's keypoints and box moved by the velocity to <paramref name="time"/> (constant-velocity prediction), into <see cref="Predicted"/> and <see cref="PredictedBox"/>.</summary>
        public void PredictInto(double time)
        {
            var last = Last.Keypoints;
            if (Predicted.Length != last.Length) Predicted = new Keypoint[last.Length];
            double dt = time - LastSeen;
            if (dt == 0 || (Vx == 0 && Vy == 0))
            {
                last.CopyTo(Predicted, 0);
                PredictedBox = Last.Box;
                return;
            }
            float dx = (float)(Vx * dt), dy = (float)(Vy * dt);
            for (int i = 0; i < last.Length; i++) Predicted[i] = last[i].IsMissing ? last[i] : last[i] with { X = last[i].X + dx, Y = last[i].Y + dy };
            PredictedBox = Last.Box with { X = Last.Box.X + dx, Y = Last.Box.Y + dy };
        }
        public readonly OneEuroFilter[] Filters = Enumerable.Range(0, 2 * keypoints).Select(_ => new OneEuroFilter(p)).ToArray();
    }

    /// <summary><see cref="Regions(double, List{TrackRegion})"/> at a frame's media time.</summary>
    public void Regions(MediaTime time, List<TrackRegion> into) => Regions(time.Seconds, into);

    /// <summary><see cref="Update(double, IReadOnlyList{PersonPose}, IReadOnlyCollection{long}?)"/> at a frame's media time (its PTS in its time base).</summary>
    public IReadOnlyList<TrackedPerson> Update(MediaTime time, IReadOnlyList<PersonPose> poses, IReadOnlyCollection<long>? extrapolate = null) =>
        Update(time.Seconds, poses, extrapolate);

    /// <summary><see cref="Update(double, IReadOnlyList{PersonPose}, IReadOnlyCollection{long}?, PeopleBuffer)"/> at a frame's media time.</summary>
    public void Update(MediaTime time, IReadOnlyList<PersonPose> poses, IReadOnlyCollection<long>? extrapolate, PeopleBuffer into) =>
        Update(time.Seconds, poses, extrapolate, into);

    /// <summary>Every live track (confirmed or tentative) predicted to <paramref name="time"/>, oldest track first, into <paramref name="into"/>.</summary>
    public void Regions(double time, List<TrackRegion> into)
    {
        into.Clear();
        foreach (var t in _tracks)
        {
            t.PredictInto(time);
            into.Add(new TrackRegion(t.Key, t.Id, t.Predicted, t.PredictedBox, t.Last.BoxScore, t.LastSeen, t.Lost));
        }
    }

    /// <summary>
    /// Associates this frame's <paramref name="poses"/> with the tracks. The tracks named in <paramref name="extrapolate"/>
    /// (keys from <see cref="Regions"/>: not estimated in this frame by choice) that no pose continues are neither lost
    /// nor dropped (until <see cref="TrackerOptions.MaxLostSeconds"/> since they were last seen); the confirmed ones
    /// are reported moved by their velocity, marked <see cref="TrackedPerson.Extrapolated"/>.
    /// </summary>
    public IReadOnlyList<TrackedPerson> Update(double time, IReadOnlyList<PersonPose> poses, IReadOnlyCollection<long>? extrapolate = null)
    {
        var people = new PeopleBuffer();                                  // the caller's own people
        Update(time, poses, extrapolate, people);
        return [.. people.People];
    }

    /// <summary>
    /// <see cref="Update(double, IReadOnlyList{PersonPose}, IReadOnlyCollection{long}?)"/> into reused storage (cleared first;
    /// the live path): the tracker keeps copies of what it needs, so <paramref name="poses"/> and <paramref name="into"/> may
    /// be reused once this returns (except with <see cref="TrackerOptions.Backfill"/>, which keeps the tentative poses), and a
    /// steady stream allocates nothing.
    /// </summary>
    public void Update(double time, IReadOnlyList<PersonPose> poses, IReadOnlyCollection<long>? extrapolate, PeopleBuffer into)
    {
        if (time < _lastTime) throw new ArgumentException($"Media time went backwards ({time} after {_lastTime}).", nameof(time));
        _lastTime = time;
        into.Clear();
        var candidates = _candidates;
        candidates.Clear();
        for (int i = 0; i < poses.Count; i++) if (poses[i].Score >= _o.MinScore) candidates.Add(poses[i]);
        // live (no back-fill): nothing allocated for it per frame
        var backfill = _o.Backfill ? new List<(double Time, TrackedPerson Person)>() : null;
        Backfill = (IReadOnlyList<(double Time, TrackedPerson Person)>?)backfill ?? NoBackfill;
        var assignment = Associate(candidates, time);
        foreach (var t in _tracks) t.Matched = false;
        for (int d = 0; d < candidates.Count; d++)
        {
            var pose = candidates[d];
            Track track;
            if (assignment[d] is { } t)
            {
                track = t;
                track.Hits++;
            }
            else
            {
                track = NewTrack(pose.Keypoints.Length);
                track.Hits = 1;
                _tracks.Add(track);
            }
            track.Matched = true;
            track.Observe(pose, time, _o.VelocityFromKeypoints);
            if (_nextId < 0) _nextId = _o.FirstTrackId;
            bool confirmedNow = track.Id == 0 && track.Hits >= _o.ConfirmHits;
            if (confirmedNow) track.Id = _nextId++;
            var smoothed = track.LastSmoothed;
            if (_o.Smooth) Smooth(track, pose, time, smoothed);
            else pose.Keypoints.AsSpan().CopyTo(smoothed);
            track.Reported = true;
            if (track.Id != 0) smoothed.AsSpan().CopyTo(into.Add(track.Id, smoothed.Length, pose.Box, pose.Score, pose).Keypoints);
            else if (_o.Backfill) (track.Tentative ??= []).Add((time, smoothed.ToArray(), pose));
            if (confirmedNow && track.Tentative is { } earlier)
            {
                foreach (var (at, k, p) in earlier) backfill!.Add((at, new TrackedPerson(track.Id, k, p.Box, p.Score, p)));
                track.Tentative = null;
            }
        }
        LostTrackRecently = false;
        int kept = 0;                                                     // drop tracks in place, keeping the order
        for (int i = 0; i < _tracks.Count; i++)
        {
            var t = _tracks[i];
            if (Keep(t)) _tracks[kept++] = t;
            else _freeTracks.Push(t);
        }
        _tracks.RemoveRange(kept, _tracks.Count - kept);
        into.SortByTrackId();

        bool Keep(Track t)
        {
            if (t.Matched) { t.Lost = false; return true; }
            if (extrapolate is not null && extrapolate.Contains(t.Key))
            {
                if (time - t.LastSeen > _o.MaxLostSeconds) return false;
                if (t.Id != 0 && t.Reported) Extrapolate(t, time, into);
                return true;
            }
            if (t.Id == 0) return false;                                  // an unconfirmed track must match every frame
            LostTrackRecently = true;                                     // a confirmed track went unseen this frame
            t.Lost = true;
            return time - t.LastSeen <= _o.MaxLostSeconds;
        }
    }

    /// <summary>A new track: a dropped one made new again when there is one (of this keypoint count), else a fresh one.</summary>
    private Track NewTrack(int keypoints)
    {
        long key = _nextKey++;
        while (_freeTracks.TryPop(out var free))
            if (free.Keypoints == keypoints) { free.Reset(key); return free; }
        return new Track(keypoints, _o.Smoothing) { Key = key };
    }

    /// <summary>
    /// With <see cref="TrackerOptions.Backfill"/>: what the last <see cref="Update"/> confirmed for earlier frames — each
    /// person of a track confirmed in that update, at the media time of a frame where it was still tentative.
    /// </summary>
    public IReadOnlyList<(double Time, TrackedPerson Person)> Backfill { get; private set; } = NoBackfill;

    private static readonly (double Time, TrackedPerson Person)[] NoBackfill = [];

    /// <summary>
    /// At the end of a stream (offline): gives ids to the tracks still tentative (seen in the last frames, with no
    /// frame left to confirm them) and returns their frames, as <see cref="Backfill"/> does.
    /// </summary>
    public IReadOnlyList<(double Time, TrackedPerson Person)> ConfirmRemaining()
    {
        var result = new List<(double Time, TrackedPerson Person)>();
        if (_nextId < 0) _nextId = _o.FirstTrackId;
        foreach (var track in _tracks.Where(t => t.Id == 0 && t.Tentative is { Count: > 0 }))
        {
            track.Id = _nextId++;
            foreach (var (t, k, p) in track.Tentative!) result.Add((t, new TrackedPerson(track.Id, k, p.Box, p.Score, p)));
            track.Tentative = null;
        }
        return result;
    }

    /// <summary>The track's last reported keypoints and box moved by its velocity to <paramref name="time"/>, into <paramref name="into"/> (with a copy of its last pose as the raw one).</summary>
    private static void Extrapolate(Track t, double time, PeopleBuffer into)
    {
        double dt = time - t.LastSeen;
        float dx = (float)(t.Vx * dt), dy = (float)(t.Vy * dt);
        var last = t.LastSmoothed;
        var box = t.Last.Box with { X = t.Last.Box.X + dx, Y = t.Last.Box.Y + dy };
        var kps = into.Add(t.Id, last.Length, box, t.Last.Score, into.CopyPose(t.Last, heatmap: false), extrapolated: true).Keypoints;
        for (int i = 0; i < kps.Length; i++) kps[i] = last[i].IsMissing ? last[i] : last[i] with { X = last[i].X + dx, Y = last[i].Y + dy };
    }

    private Track?[] Associate(List<PersonPose> candidates, double time)
    {
        if (_assigned.Length < candidates.Count) _assigned = new Track?[Math.Max(candidates.Count, 2 * _assigned.Length)];
        var result = _assigned;
        Array.Clear(result, 0, candidates.Count);
        if (candidates.Count == 0 || _tracks.Count == 0) return result;
        // confirmed tracks first (by id) so that, at equal cost, they win over tentative ones (in order of appearance)
        var tracks = _byPriority;
        tracks.Clear();
        tracks.AddRange(_tracks);
        tracks.Sort(static (a, b) => (a.Id == 0) != (b.Id == 0) ? (a.Id == 0 ? 1 : -1) : a.Id != b.Id ? a.Id.CompareTo(b.Id) : a.Key.CompareTo(b.Key));
        foreach (var t in tracks) t.PredictInto(time);
        if (_cost.GetLength(0) < candidates.Count || _cost.GetLength(1) < tracks.Count)
            _cost = new double[Math.Max(candidates.Count, _cost.GetLength(0)), Math.Max(tracks.Count, _cost.GetLength(1))];
        var cost = _cost;
        for (int d = 0; d < candidates.Count; d++)
            for (int t = 0; t < tracks.Count; t++)
            {
                double s = Similarity(candidates[d], tracks[t].Predicted, tracks[t].PredictedBox);
                cost[d, t] = s < _o.MinSimilarity ? 1e6 : 1 - s;
            }
        if (_match.Length < candidates.Count) _match = new int[Math.Max(candidates.Count, 2 * _match.Length)];
        _hungarian.Solve(cost, candidates.Count, tracks.Count, _match);
        for (int d = 0; d < candidates.Count; d++)
            if (_match[d] >= 0 && cost[d, _match[d]] < 1e6) result[d] = tracks[_match[d]];
        return result;
    }

    private double Similarity(PersonPose a, Keypoint[] keypoints, BoundingBox box)
    {
        double area = Math.Max(1, (a.Box.Area + box.Area) / 2);
        double oks = Oks.Between(a.Keypoints, area, keypoints, area, _o.Sigmas, 0.2f);
        return Math.Max(oks, a.Box.IoU(box));
    }

    private static void Smooth(Track track, PersonPose pose, double time, Keypoint[] result)
    {
        double scale = Math.Max(1, pose.Box.Height); // speed in box heights per second
        for (int k = 0; k < result.Length; k++)
        {
            var kp = pose.Keypoints[k];
            if (kp.IsMissing) { result[k] = kp; continue; }
            result[k] = new Keypoint((float)track.Filters[2 * k].Filter(kp.X, time, scale), (float)track.Filters[2 * k + 1].Filter(kp.Y, time, scale), kp.Score);
        }
    }
}
