using PoseLive.Tracking;

namespace PoseLive.Tests.Tracking;

/// <summary>Tracking on generated scenes with known identities; smoothing jitter and lag measured.</summary>
public class PoseTrackerTests
{
    private const double Fps = 30;

    private static double RunScene(SyntheticScene scene, IReadOnlyList<SyntheticScene.Walker> walkers, int frames, TrackerOptions? options = null,
        Action<int, IReadOnlyList<TrackedPerson>, Dictionary<PoseLive.Estimation.PersonPose, int>>? inspect = null)
    {
        var tracker = new PoseTracker(options);
        var metrics = new IdentityMetrics();
        for (int f = 0; f < frames; f++)
        {
            var (poses, truth) = scene.Frame(walkers, f);
            var tracked = tracker.Update(f / Fps, poses);
            metrics.AddFrame(truth.Count, tracked.Count, tracked.Select(t => (truth[t.Raw], t.TrackId)));
            inspect?.Invoke(f, tracked, truth);
        }
        return metrics.Idf1;
    }

    [Fact]
    public void Crossing_people_keep_their_ids()
    {
        // two walkers meet head-on and pass (10 px apart vertically), a third crosses them diagonally
        var walkers = new SyntheticScene.Walker[]
        {
            new(1, f => (50 + 6 * f, 100), 180, _ => true),
            new(2, f => (650 - 6 * f, 110), 170, _ => true),
            new(3, f => (350, -100 + 4 * f), 175, _ => true),
        };
        double idf1 = RunScene(new SyntheticScene(1), walkers, 100);
        Assert.True(idf1 >= 0.95, $"IDF1 {idf1:F3}");
    }

    [Fact]
    public void Short_occlusion_keeps_the_id_and_a_long_absence_gives_a_new_one()
    {
        var walkers = new SyntheticScene.Walker[]
        {
            new(1, f => (100 + 3 * f, 100), 180, f => f < 30 || f >= 45),   // hidden for 0.5 s
            new(2, f => (500, 120), 170, f => f < 20 || f >= 90),            // gone for 2.3 s, then back
        };
        var idsOf = new Dictionary<int, HashSet<int>> { [1] = [], [2] = [] };
        RunScene(new SyntheticScene(2), walkers, 120, inspect: (_, tracked, truth) =>
        {
            foreach (var t in tracked) idsOf[truth[t.Raw]].Add(t.TrackId);
        });
        Assert.Single(idsOf[1]);            // resumed after 15 frames (< 1 s kept)
        Assert.Equal(2, idsOf[2].Count);    // the track expired: a new id on re-entry
    }

    [Fact]
    public void A_single_spurious_detection_never_gets_an_id()
    {
        var walkers = new SyntheticScene.Walker[] { new(1, f => (100, 100), 180, _ => true), new(2, f => (500, 300), 150, f => f == 10) };
        int reported = 0;
        RunScene(new SyntheticScene(3), walkers, 30, inspect: (_, tracked, truth) => reported += tracked.Count(t => truth[t.Raw] == 2));
        Assert.Equal(0, reported);
    }

    [Fact]
    public void Ids_are_reported_from_the_second_frame_on()
    {
        var walkers = new SyntheticScene.Walker[] { new(1, f => (100, 100), 180, _ => true) };
        var counts = new List<int>();
        RunScene(new SyntheticScene(4), walkers, 5, inspect: (_, tracked, _) => counts.Add(tracked.Count));
        Assert.Equal([0, 1, 1, 1, 1], counts);
    }

    [Fact]
    public void One_euro_removes_at_least_seventy_percent_of_static_jitter()
    {
        var scene = new SyntheticScene(5, noise: 2);
        var walkers = new SyntheticScene.Walker[] { new(1, _ => (300, 100), 200, _ => true) };
        var truth = new SyntheticScene(5, noise: 0).Pose(300, 100, 200).Keypoints;
        double raw = 0, smooth = 0;
        RunScene(scene, walkers, 300, inspect: (f, tracked, _) =>
        {
            if (f < 60) return; // after the filters settle
            foreach (var t in tracked)
                for (int k = 0; k < 17; k++)
                {
                    raw += Sq(t.Raw.Keypoints[k].X - truth[k].X) + Sq(t.Raw.Keypoints[k].Y - truth[k].Y);
                    smooth += Sq(t.Keypoints[k].X - truth[k].X) + Sq(t.Keypoints[k].Y - truth[k].Y);
                }
        });
        double reduction = 1 - Math.Sqrt(smooth / raw);
        Assert.True(reduction >= 0.70, $"jitter reduced by {reduction:P1}");
    }

    [Fact]
    public void One_euro_lags_a_walker_by_at_most_one_frame()
    {
        const double speed = 200;                                           // px/s = 1 box height per second at 30 fps
        var walkers = new SyntheticScene.Walker[] { new(1, f => (speed * f / Fps, 100), 200, _ => true) };
        var truthScene = new SyntheticScene(6, noise: 0);
        double lagFrames = 0;
        int n = 0;
        RunScene(new SyntheticScene(6, noise: 2), walkers, 240, inspect: (f, tracked, _) =>
        {
            if (f < 90) return;                                             // steady state
            var truth = truthScene.Pose(speed * f / Fps, 100, 200).Keypoints;
            foreach (var t in tracked)
                for (int k = 0; k < 17; k++) { lagFrames += (truth[k].X - t.Keypoints[k].X) / (speed / Fps); n++; }
        });
        Assert.True(lagFrames / n <= 1.0, $"lag {lagFrames / n:F2} frames");
        Assert.True(lagFrames / n > 0, "a causal filter must lag a moving target a little");
    }

    [Fact]
    public void Media_time_must_not_go_backwards()
    {
        var tracker = new PoseTracker();
        tracker.Update(1.0, []);
        Assert.Throws<ArgumentException>(() => tracker.Update(0.5, []));
    }

    private static double Sq(double v) => v * v;

    [Fact]
    public void The_live_only_velocity_option_is_recorded_in_settings_only_when_on()
    {
        // annotation journals record the tracker's options and resume only when they match: journals written before
        // the option existed must still match a default (offline) run
        Assert.DoesNotContain("VelocityFromKeypoints", System.Text.Json.JsonSerializer.Serialize(new TrackerOptions()));
        Assert.Contains("\"VelocityFromKeypoints\":true", System.Text.Json.JsonSerializer.Serialize(new TrackerOptions { VelocityFromKeypoints = true }));
    }
}
