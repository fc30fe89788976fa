using PoseLive.Detection;
using PoseLive.Estimation;
using PoseLive.Media;
using PoseLive.Pipeline.Live;
using PoseLive.Pose;
using PoseLive.Tracking;

namespace PoseLive.Tests.Pipeline;

/// <summary>The live pose budget: which regions are estimated, and the tracker carrying the rest.</summary>
public sealed class RegionSchedulerTests
{
    private static MediaTime At(double seconds) => new((long)Math.Round(seconds * 100), new Rational(1, 100));

    private static PersonPose Person(float x, float y = 100) =>
        new(Enumerable.Range(0, 17).Select(i => new Keypoint(x + (i % 3) * 10, y + i * 6, 0.9f)).ToArray(), new BoundingBox(x - 5, y - 5, 40, 110), 0.9f, 0.9f);

    [Fact]
    public void Over_budget_the_stalest_tracks_are_estimated_and_the_rest_extrapolated_in_turn()
    {
        var tracker = new PoseTracker(new TrackerOptions { ConfirmHits = 1, Smooth = false });
        var scheduler = new RegionScheduler(new LiveOptions());
        var people = new[] { Person(50), Person(200), Person(350) };
        tracker.Update(0.0, people);                                                  // three confirmed tracks
        var regions = new List<TrackRegion>();
        var boxes = new List<DetectedBox>();
        var keys = new List<long>();
        var extrapolate = new HashSet<long>();

        tracker.Regions(0.1, regions);
        scheduler.Plan(At(0.1), regions, budget: 2, 640, 480, boxes, keys, extrapolate);
        Assert.Equal(2, boxes.Count);
        Assert.Single(extrapolate);
        long left = extrapolate.Single();
        Assert.DoesNotContain(left, keys);
        // estimate the two chosen (same places), the third is carried and marked
        var estimated = keys.Select(k => people[(int)k]).ToList();
        var out1 = tracker.Update(0.1, estimated, extrapolate);
        Assert.Equal(3, out1.Count);
        Assert.Single(out1, p => p.Extrapolated);
        Assert.Equal(people[(int)left].Keypoints[0].X, out1.Single(p => p.Extrapolated).Keypoints[0].X, 3);  // still, so carried in place

        // next frame: the carried one is now the stalest, so it is estimated first
        tracker.Regions(0.2, regions);
        scheduler.Plan(At(0.2), regions, budget: 2, 640, 480, boxes, keys, extrapolate);
        Assert.Equal(left, keys[0]);
        Assert.Single(extrapolate);
        Assert.NotEqual(left, extrapolate.Single());
    }

    [Fact]
    public void A_detected_person_no_track_covers_is_estimated_first_and_a_tracked_one_is_not_repeated()
    {
        var tracker = new PoseTracker(new TrackerOptions { ConfirmHits = 1, Smooth = false });
        var scheduler = new RegionScheduler(new LiveOptions());
        tracker.Update(0.0, [Person(50)]);
        var detections = new[] { new DetectedBox(new BoundingBox(45, 95, 40, 110), 0.9f, 0), new DetectedBox(new BoundingBox(400, 95, 40, 110), 0.8f, 0) };
        scheduler.Merge(At(0.0), detections, tracker);
        Assert.Equal(1, scheduler.Pending);                                           // the one at x=45 is the tracked person

        var regions = new List<TrackRegion>();
        var boxes = new List<DetectedBox>();
        var keys = new List<long>();
        var extrapolate = new HashSet<long>();
        tracker.Regions(0.1, regions);
        scheduler.Plan(At(0.1), regions, budget: 1, 640, 480, boxes, keys, extrapolate);
        Assert.Equal(-1, keys.Single());                                              // the new person first
        Assert.Equal(400, boxes.Single().Box.X);
        Assert.Single(extrapolate);                                                   // the tracked one waits a frame
        Assert.Equal(0, scheduler.Pending);
    }

    [Fact]
    public void A_people_cap_keeps_the_first_tracked_and_takes_a_new_person_only_into_a_free_place()
    {
        var tracker = new PoseTracker(new TrackerOptions { ConfirmHits = 1, Smooth = false });
        var scheduler = new RegionScheduler(new LiveOptions { MaxPeople = 2 });
        var people = new[] { Person(50), Person(200), Person(350) };
        tracker.Update(0.0, people);
        var regions = new List<TrackRegion>();
        var boxes = new List<DetectedBox>();
        var keys = new List<long>();
        var extrapolate = new HashSet<long>();
        tracker.Regions(0.1, regions);
        long[] first = [.. regions.Select(r => r.Key).Order().Take(2)];
        scheduler.Merge(At(0.1), [new DetectedBox(new BoundingBox(500, 95, 40, 110), 0.9f, 0)], tracker);   // a fourth person
        scheduler.Plan(At(0.1), regions, budget: 10, 640, 480, boxes, keys, extrapolate);
        Assert.Equal(first, keys.Order().ToArray());                               // the two first tracked, not the third or the new one
        Assert.Empty(extrapolate);                                                 // the third is let go, not carried

        // the second and third leave (the tracker let them go): the cap has a free place, the waiting new person takes it
        regions.RemoveAll(r => r.Key != first[0]);
        scheduler.Plan(At(0.15), regions, budget: 10, 640, 480, boxes, keys, extrapolate);
        Assert.Equal(2, boxes.Count);
        Assert.Contains(-1L, keys);
        Assert.Equal(500, boxes[keys.IndexOf(-1)].Box.X);
    }

    [Fact]
    public void Live_velocity_comes_from_the_keypoints_not_from_the_predicted_box_they_were_estimated_in()
    {
        // a walker moving 10 px per 0.1 s, estimated each time in a box that did not move (a stale prediction)
        PersonPose Walker(float x) =>
            new(Enumerable.Range(0, 17).Select(i => new Keypoint(x + (i % 3) * 10, 100 + i * 6, 0.9f)).ToArray(), new BoundingBox(40, 90, 40, 110), 0.9f, 0.9f);
        foreach (bool fromKeypoints in new[] { true, false })
        {
            var tracker = new PoseTracker(new TrackerOptions { ConfirmHits = 1, Smooth = false, VelocityFromKeypoints = fromKeypoints });
            for (int f = 0; f < 10; f++) tracker.Update(f * 0.1, [Walker(50 + 10 * f)]);
            var regions = new List<TrackRegion>();
            tracker.Regions(1.1, regions);                                               // two steps after the last sighting (x = 140)
            float expected = fromKeypoints ? 160 : 140;                                  // the box never moved: no velocity from it
            Assert.Equal(expected, regions.Single().PredictedKeypoints[0].X, 0);
        }
    }
}
