using PoseLive.Estimation;
using PoseLive.Pose;
using PoseLive.Tracking;

namespace PoseLive.Tests.Tracking;

/// <summary>
/// The live path's reused storage: the tracker fed poses from one overwritten <see cref="PoseBuffer"/> and reporting into
/// one <see cref="PeopleBuffer"/> gives exactly what the allocating form gives, so it keeps no reference into either,
/// and a steady scene costs no managed allocation per frame.
/// </summary>
public class TrackerReuseTests
{
    private const double Fps = 30;

    private static readonly SyntheticScene.Walker[] Walkers =
    [
        new(1, f => (50 + 6 * f, 100), 180, _ => true),
        new(2, f => (650 - 6 * f, 110), 170, f => f < 20 || f >= 90),      // gone 2.3 s: its track is dropped, a new one made
        new(3, f => (350, -100 + 4 * f), 175, f => f % 13 != 5),           // missed now and then: lost, then resumed
    ];

    /// <summary>Every region's key on the frames that are "over budget" (every 7th): those frames estimate nobody.</summary>
    private static bool OverBudget(int f) => f % 7 == 3;

    [Fact]
    public void Reused_storage_gives_the_same_people_as_fresh_storage()
    {
        var scene = new SyntheticScene(11);
        var frames = Enumerable.Range(0, 120).Select(f => scene.Frame(Walkers, f).Poses).ToList();
        var options = new TrackerOptions { VelocityFromKeypoints = true };
        var fresh = new PoseTracker(options);
        var reused = new PoseTracker(options);
        var input = new PoseBuffer();
        var people = new PeopleBuffer();
        var regions = new List<TrackRegion>();
        var extrapolate = new HashSet<long>();
        int extrapolated = 0, compared = 0;
        for (int f = 0; f < frames.Count; f++)
        {
            double t = f / Fps;
            extrapolate.Clear();
            fresh.Regions(t, regions);
            if (OverBudget(f)) foreach (var r in regions) extrapolate.Add(r.Key);
            var poses = OverBudget(f) ? [] : frames[f];
            var expected = fresh.Update(t, poses.Select(p => p with { Keypoints = (Keypoint[])p.Keypoints.Clone() }).ToList(), extrapolate);

            reused.Regions(t, regions);                       // the same keys: both trackers saw the same frames
            input.Clear();
            foreach (var p in poses) input.AddCopy(p, heatmap: false);
            reused.Update(t, input.Poses, extrapolate, people);

            Assert.Equal(expected.Count, people.People.Count);
            for (int i = 0; i < expected.Count; i++)
            {
                var (e, a) = (expected[i], people.People[i]);
                Assert.Equal((e.TrackId, e.Box, e.Score, e.Extrapolated), (a.TrackId, a.Box, a.Score, a.Extrapolated));
                Assert.Equal(e.Keypoints, a.Keypoints);
                Assert.Equal(e.Raw.Keypoints, a.Raw.Keypoints);
                Assert.NotSame(e.Keypoints, a.Keypoints);
                if (e.Extrapolated) extrapolated++;
                compared++;
            }
            // scribble over both buffers: a tracker that kept a reference into them would now go wrong
            input.Clear();
            for (int i = 0; i < 4; i++) Array.Fill(input.Add(17, new BoundingBox(-500, -500, 1, 1), 0, 0).Keypoints, new Keypoint(-999, -999, 0));
            foreach (var p in people.People) Array.Fill(p.Keypoints, new Keypoint(-999, -999, 0));
        }
        Assert.True(extrapolated >= 20, $"{extrapolated} extrapolated people compared");
        Assert.True(compared >= 250, $"{compared} people compared");
    }

    [Fact]
    public void A_steady_scene_allocates_nothing_per_frame()
    {
        var scene = new SyntheticScene(12);
        var walkers = Walkers.Take(1).Append(new(4, f => (300, 200), 160, _ => true)).Append(new(5, f => (500 - f, 250), 150, _ => true)).ToArray();
        var frames = Enumerable.Range(0, 300).Select(f => scene.Frame(walkers, f).Poses).ToList();   // generated before measuring
        var tracker = new PoseTracker(new TrackerOptions { VelocityFromKeypoints = true });
        var people = new PeopleBuffer();
        var regions = new List<TrackRegion>();
        var extrapolate = new HashSet<long>();
        var nobody = new List<PersonPose>();
        long before = 0;
        for (int f = 0; f < frames.Count; f++)
        {
            if (f == 100) before = GC.GetAllocatedBytesForCurrentThread();
            extrapolate.Clear();
            tracker.Regions(f / Fps, regions);
            if (OverBudget(f)) foreach (var r in regions) extrapolate.Add(r.Key);
            tracker.Update(f / Fps, OverBudget(f) ? nobody : frames[f], extrapolate, people);
        }
        long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(3, people.People.Count);
        Assert.Equal(0, bytes);
    }

    [Fact]
    public void A_pose_buffer_reuses_its_slots_and_heatmaps_and_copies_values()
    {
        var buffer = new PoseBuffer();
        var first = buffer.Add(17, new BoundingBox(1, 2, 3, 4), 0.5f, 0.4f);
        var values = buffer.AttachHeatmap(first, 8, 8, default, 192, 192);
        values.Fill(0.25f);
        var heatmapValues = first.Heatmap!.Values;
        buffer.Clear();
        var again = buffer.Add(17, new BoundingBox(5, 6, 7, 8), 0.9f, 0.8f);
        Assert.Same(first, again);
        Assert.Null(again.Heatmap);                                      // a slot's heatmap only comes back when attached
        Assert.Equal((new BoundingBox(5, 6, 7, 8), 0.9f, 0.8f), (again.Box, again.BoxScore, again.Score));
        buffer.AttachHeatmap(again, 8, 8, default, 192, 192);
        Assert.Same(heatmapValues, again.Heatmap!.Values);
        Assert.Throws<InvalidOperationException>(() => buffer.AttachHeatmap(new PersonPose(new Keypoint[17], default, 0, 0), 8, 8, default, 1, 1));

        again.Keypoints[3] = new Keypoint(10, 20, 0.7f);
        var copies = new PoseBuffer();
        var copy = copies.AddCopy(again, heatmap: true);
        Assert.NotSame(again.Keypoints, copy.Keypoints);
        Assert.NotSame(again.Heatmap.Values, copy.Heatmap!.Values);
        Assert.Equal(again.Keypoints, copy.Keypoints);
        Assert.Equal(0.25f, copy.Heatmap.Values[63]);
        Assert.Equal((again.Box, again.BoxScore, again.Score), (copy.Box, copy.BoxScore, copy.Score));
    }
}
