using PoseLive.Estimation;
using PoseLive.Export;
using PoseLive.Pipeline;
using PoseLive.Pose;
using PoseLive.Tests.TestSupport;
using PoseLive.Tracking;

namespace PoseLive.Tests.Pipeline;

public class JournalTests
{
    [Fact]
    public void Journal_round_trips_floats_exactly_and_ignores_a_cut_last_line()
    {
        using var dir = new TestData.TempDir();
        var rng = new Random(3);
        var kps = Enumerable.Range(0, 17).Select(i => i == 4 ? Keypoint.Missing : new Keypoint((float)(rng.NextDouble() * 700), (float)(rng.NextDouble() * 500), (float)rng.NextDouble())).ToArray();
        var pose = new PersonPose(kps, new BoundingBox(1.1f, 2.2f, 33.3f, 44.4f), 0.71f, 0.523f);
        var path = dir.File("j.jsonl");
        using (var journal = FrameJournal.OpenForAppend(path, resume: false))
        {
            for (int f = 0; f < 3; f++)
                journal.Write(new FrameResult
                {
                    FrameIndex = f, Timestamp = new PoseLive.Media.MediaTime(f, new PoseLive.Media.Rational(1, 30)), Width = 640, Height = 480, Detected = f == 0, RawPoses = [pose],
                    People = [new TrackedPerson(5, kps, pose.Box, pose.Score, pose)],
                });
        }
        File.AppendAllText(path, "{\"frame\":3,\"time\":0.1,\"wid");                // a crash mid-line
        var frames = FrameJournal.Read(path);
        Assert.Equal(3, frames.Count);
        Assert.Equal(kps, frames[2].Raw[0].Keypoints);                                // bit-exact, missing included
        Assert.Equal(pose.Box, frames[1].Raw[0].Box);
        Assert.Equal(2 / 30.0, frames[2].Time);
        Assert.Equal(5, frames[0].People[0].TrackId);

        using (var journal = FrameJournal.OpenForAppend(path, resume: true)) { }     // resume cuts the partial line
        Assert.EndsWith("\n", File.ReadAllText(path));
        Assert.Equal(3, FrameJournal.Read(path).Count);
    }
}
