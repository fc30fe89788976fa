using PoseLive.Detection;
using PoseLive.Estimation;
using PoseLive.Media;
using PoseLive.Pipeline;
using PoseLive.Pose;
using PoseLive.Rendering;
using PoseLive.Tracking;

namespace PoseLive.Tests.Rendering;

/// <summary>The window's hand-off keeps its own copies: live results are reused for later frames once written.</summary>
public class WindowSinkTests
{
    [Fact]
    public void A_written_frame_keeps_its_people_and_boxes_when_the_result_is_reused()
    {
        using var pixels = VideoFrame.CreateUnpooled(8, 4, PixelFormat.Rgb24);
        pixels.Buffer.AsSpan().Fill(7);
        var people = new PeopleBuffer();
        var raw = new PersonPose(Enumerable.Range(0, 17).Select(i => new Keypoint(i, 2 * i, 0.9f)).ToArray(), new BoundingBox(1, 1, 5, 3), 0.8f, 0.7f)
        {
            Heatmap = new PersonHeatmap([0.5f, 0.25f], 2, 1, default, 192, 192),
        };
        raw.Keypoints.AsSpan().CopyTo(people.Add(3, 17, raw.Box, 0.7f, raw).Keypoints);
        var boxes = new List<DetectedBox> { new(new BoundingBox(0, 0, 4, 4), 0.9f, 0) };
        var result = new FrameResult
        {
            FrameIndex = 5, Timestamp = new MediaTime(5, new Rational(1, 30)), Width = 8, Height = 4, People = people.People, RawPoses = [raw],
            Detected = true, Detections = boxes, Frame = pixels,
        };
        var sink = new WindowSink();
        sink.Write(result);

        // the pipeline reuses everything for the next frame
        people.Clear();
        Array.Fill(people.Add(9, 17, new BoundingBox(0, 0, 1, 1), 0.1f, raw).Keypoints, new Keypoint(-1, -1, 0));
        raw.Heatmap.Values[0] = -1;
        boxes[0] = new DetectedBox(new BoundingBox(9, 9, 9, 9), 0.1f, 0);
        pixels.Buffer.AsSpan().Fill(0);

        var shown = sink.TakeLatest()!;
        Assert.Equal(5, shown.Index);
        Assert.Equal(3, Assert.Single(shown.People).TrackId);
        Assert.Equal(Enumerable.Range(0, 17).Select(i => new Keypoint(i, 2 * i, 0.9f)), shown.People[0].Keypoints);
        Assert.Equal([0.5f, 0.25f], shown.People[0].Raw.Heatmap!.Values);
        Assert.Equal(new BoundingBox(0, 0, 4, 4), Assert.Single(shown.Detections).Box);
        Assert.All(shown.Pixels.Buffer.Take(8 * 4 * 3), b => Assert.Equal(7, b));
    }
}
