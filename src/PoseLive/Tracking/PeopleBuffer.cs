using PoseLive.Estimation;
using PoseLive.Pose;

namespace PoseLive.Tracking;

/// <summary>
/// Reusable storage for one frame's tracked people (the live path): <see cref="Add"/> hands out the next person slot,
/// with its own keypoint array, overwritten in place; poses the people refer to that no one else owns (an extrapolated
/// person's last pose, or every pose of a <see cref="CopyFrom"/>) live in the buffer too. Once the slots have grown to the
/// most people seen, a frame allocates nothing. Valid until <see cref="Clear"/>. Not thread-safe.
/// </summary>
public sealed class PeopleBuffer
{
    private readonly List<TrackedPerson> _slots = [];
    private readonly List<TrackedPerson> _people = [];
    private readonly PoseBuffer _poses = new();

    /// <summary>The people added since the last <see cref="Clear"/>.</summary>
    public IReadOnlyList<TrackedPerson> People => _people;

    public void Clear()
    {
        _people.Clear();
        _poses.Clear();
    }

    /// <summary>The next person: id, box, score and raw pose set; <paramref name="keypoints"/> keypoints to be written by the caller.</summary>
    public TrackedPerson Add(int trackId, int keypoints, BoundingBox box, float score, PersonPose raw, bool extrapolated = false)
    {
        int i = _people.Count;
        if (i == _slots.Count) _slots.Add(new TrackedPerson(trackId, new Keypoint[keypoints], box, score, raw, extrapolated));
        else if (_slots[i].Keypoints.Length != keypoints) _slots[i] = new TrackedPerson(trackId, new Keypoint[keypoints], box, score, raw, extrapolated);
        var person = _slots[i];
        person.Set(trackId, box, score, raw, extrapolated);
        _people.Add(person);
        return person;
    }

    /// <summary>A copy of <paramref name="pose"/> that this buffer owns (its heatmap's values too when <paramref name="heatmap"/>).</summary>
    public PersonPose CopyPose(PersonPose pose, bool heatmap) => _poses.AddCopy(pose, heatmap);

    /// <summary>Replaces the contents with a deep copy of <paramref name="people"/> (keypoints, raw poses and their heatmaps).</summary>
    public void CopyFrom(IReadOnlyList<TrackedPerson> people)
    {
        Clear();
        for (int i = 0; i < people.Count; i++)
        {
            var p = people[i];
            var copy = Add(p.TrackId, p.Keypoints.Length, p.Box, p.Score, CopyPose(p.Raw, heatmap: true), p.Extrapolated);
            p.Keypoints.AsSpan().CopyTo(copy.Keypoints);
        }
    }

    /// <summary>Orders the people by track id.</summary>
    public void SortByTrackId() => _people.Sort(static (a, b) => a.TrackId.CompareTo(b.TrackId));
}
