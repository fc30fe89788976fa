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
    public required long FrameIndex { get; init; }
    /// <summary>The frame's media time: its PTS in its time base.</summary>
    public required MediaTime Timestamp { get; init; }
    /// <summary>Media time in seconds (for outputs and arithmetic), from <see cref="Timestamp"/>.</summary>
    public double Time => Timestamp.Seconds;
    public required int Width { get; init; }
    public required int Height { get; init; }
    public required IReadOnlyList<TrackedPerson> People { get; init; }
    public required IReadOnlyList<PersonPose> RawPoses { get; init; }
    public required bool Detected { get; init; }
    /// <summary>The detector's latest boxes (for the window's D layer): from this frame offline, from an earlier frame live.</summary>
    public IReadOnlyList<DetectedBox> Detections { get; init; } = [];
    public VideoFrame? Frame { get; init; }

    /// <summary>This result with other people (offline back-fill adds tracks confirmed by later frames).</summary>
    public FrameResult WithPeople(IReadOnlyList<TrackedPerson> people) => new()
    {
        FrameIndex = FrameIndex, Timestamp = Timestamp, Width = Width, Height = Height, People = people, RawPoses = RawPoses,
        Detected = Detected, Detections = Detections, Frame = Frame, Times = Times,
    };
    public StageTimes Times;
}

/// <summary>A consumer of pipeline results (COCO writer, JSON Lines, metrics, renderer).</summary>
public interface IFrameSink
{
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
