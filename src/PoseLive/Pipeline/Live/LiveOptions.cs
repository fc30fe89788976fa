using PoseLive.Tracking;

namespace PoseLive.Pipeline.Live;

/// <summary>Settings of the live pipeline (<see cref="LivePipeline"/>).</summary>
public sealed record LiveOptions
{
    /// <summary>Ask the detector for a fresh look every N frames (it runs beside the frame path, on the newest frame).</summary>
    public int DetectorInterval { get; init; } = 5;
    /// <summary>
    /// An early look when a track is lost, a region comes back empty or nobody is tracked, at most once per this many
    /// frames (the detector is then still busy with the last request, which is not repeated).
    /// </summary>
    public int MinDetectorGap { get; init; } = 2;
    /// <summary>
    /// Milliseconds of pose estimation allowed per frame; null: 80 % of the source's frame interval. People beyond it are
    /// extrapolated by the tracker and estimated in a later frame (stalest first).
    /// </summary>
    public double? PoseBudgetMs { get; init; }
    /// <summary>A person found by the detector and not yet estimated is forgotten after this many media seconds.</summary>
    public double PendingSeconds { get; init; } = 0.5;
    /// <summary>IoU at which a detector box is taken as a person already tracked.</summary>
    public float TrackedIoU { get; init; } = 0.3f;
    /// <summary>IoU above which two regions are one person (the lower-priority one is not estimated).</summary>
    public float DuplicateIoU { get; init; } = 0.6f;
    /// <summary>Keypoint score needed for a keypoint to shape a propagated region.</summary>
    public float PropagationMinScore { get; init; } = 0.3f;
    /// <summary>
    /// Track at most this many people (null: everyone the detector finds). The first found keep their places; a new
    /// person is taken when one leaves. Like MediaPipe's <c>num_poses</c>: it bounds the per-frame cost.
    /// </summary>
    public int? MaxPeople { get; init; }
    /// <summary>Stop after this many frames (null: the whole source).</summary>
    public long? MaxFrames { get; init; }
    /// <summary>The tracker's settings; live, velocities come from the keypoints (the boxes are the tracker's own predictions).</summary>
    public TrackerOptions Tracker { get; init; } = new() { VelocityFromKeypoints = true };
}
