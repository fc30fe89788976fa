using PoseLive.Detection;
using PoseLive.Estimation;
using PoseLive.Media;
using PoseLive.Tracking;

namespace PoseLive.Pipeline;

/// <summary>Wall-clock instants (Stopwatch ticks) a frame passed each stage, for latency metrics.</summary>
public struct StageTimes
{
    public long Decoded, DetectStart, DetectEnd, PoseStart, PoseEnd, TrackEnd, SinkEnd;
}

/// <summary>
/// What the pipeline knows about one frame when it reaches the sinks: media time, tracked people
/// (smoothed), the raw estimates, whether the detector ran, and the decoded frame (valid only during
/// <see cref="IFrameSink.Write"/>: it returns to its pool afterwards).
/// </summary>
public sealed class FrameResult
{
    // immutable to users; the live path reuses its results (Set) once the sinks are done with them
    private long _frameIndex;
    private MediaTime _timestamp;
    private int _width, _height;
    private IReadOnlyList<TrackedPerson> _people = [];
    private IReadOnlyList<PersonPose> _rawPoses = [];
    private bool _detected;
    private IReadOnlyList<DetectedBox> _detections = [];
    private VideoFrame? _frame;

    public required long FrameIndex { get => _frameIndex; init => _frameIndex = value; }
    /// <summary>The frame's media time: its PTS in its time base.</summary>
    public required MediaTime Timestamp { get => _timestamp; init => _timestamp = value; }
    /// <summary>Media time in seconds (for outputs and arithmetic), from <see cref="Timestamp"/>.</summary>
    public double Time => Timestamp.Seconds;
    public required int Width { get => _width; init => _width = value; }
    public required int Height { get => _height; init => _height = value; }
    public required IReadOnlyList<TrackedPerson> People { get => _people; init => _people = value; }
    public required IReadOnlyList<PersonPose> RawPoses { get => _rawPoses; init => _rawPoses = value; }
    public required bool Detected { get => _detected; init => _detected = value; }
    /// <summary>The detector's latest boxes (for the window's D layer): from this frame offline, from an earlier frame live.</summary>
    public IReadOnlyList<DetectedBox> Detections { get => _detections; init => _detections = value; }
    public VideoFrame? Frame { get => _frame; init => _frame = value; }

    /// <summary>This result with other people (offline back-fill adds tracks confirmed by later frames).</summary>
    public FrameResult WithPeople(IReadOnlyList<TrackedPerson> people) => new()
    {
        FrameIndex = FrameIndex, Timestamp = Timestamp, Width = Width, Height = Height, People = people, RawPoses = RawPoses,
        Detected = Detected, Detections = Detections, Frame = Frame, Times = Times,
    };
    public StageTimes Times;

    /// <summary>Overwrites a reused result (the live path's; the lists are its owner's reused storage).</summary>
    internal void Set(long frameIndex, MediaTime timestamp, int width, int height, IReadOnlyList<TrackedPerson> people, IReadOnlyList<PersonPose> rawPoses,
        bool detected, IReadOnlyList<DetectedBox> detections, VideoFrame? frame, StageTimes times)
    {
        (_frameIndex, _timestamp, _width, _height, _people, _rawPoses, _detected, _detections, _frame) =
            (frameIndex, timestamp, width, height, people, rawPoses, detected, detections, frame);
        Times = times;
    }
}

/// <summary>A consumer of pipeline results (COCO writer, JSON Lines, metrics, renderer).</summary>
public interface IFrameSink
{
    /// <summary>
    /// Takes one frame's result. The result and everything it refers to (frame, people, poses, boxes) are valid only during
    /// the call: the live pipeline reuses them for later frames, so a sink that keeps anything copies it.
    /// </summary>
    void Write(FrameResult result);

    /// <summary>Called once at the end (also after cancellation): flush and finish outputs.</summary>
    void Complete(bool cancelled);
}

/// <summary>Settings of the offline pipeline (<see cref="PosePipeline"/>; live runs use <see cref="Live.LiveOptions"/>).</summary>
public sealed record PipelineOptions
{
    /// <summary>Run the detector on every N-th processed frame; in between, boxes come from the previous keypoints.</summary>
    public int DetectorInterval { get; init; } = 5;
    /// <summary>Frames each channel holds.</summary>
    public int ChannelCapacity { get; init; } = 4;
    /// <summary>Stop after this many frames (null: the whole source).</summary>
    public long? MaxFrames { get; init; }
    public TrackerOptions Tracker { get; init; } = new();
    /// <summary>Keypoint score needed for a keypoint to shape a propagated box.</summary>
    public float PropagationMinScore { get; init; } = 0.3f;
}

/// <summary>State carried into a run that continues an earlier one (--resume).</summary>
public sealed record PipelineResumeState(PoseTracker Tracker, IReadOnlyList<PersonPose> PreviousPoses, long ProcessedFrames);
