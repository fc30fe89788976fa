using PoseLive.Detection;
using PoseLive.Estimation;
using PoseLive.Media;
using PoseLive.Tracking;

namespace PoseLive.Pipeline.Stages;

/// <summary>
/// One frame travelling through the offline stages; each stage fills its part and hands it on (ownership of the
/// pooled frame moves with it). The track stage's last item carries no frame, only the tracks confirmed at the end
/// of the stream (<see cref="IsEnd"/>).
/// </summary>
internal sealed class StageWork
{
    public VideoFrame? Frame;
    /// <summary>The frame's media time: its integer PTS in its time base.</summary>
    public MediaTime Timestamp;
    public StageTimes Times;
    public IReadOnlyList<DetectedBox>? Detections;
    public IReadOnlyList<PersonPose> Poses = [];
    public FrameResult? Result;
    /// <summary>People later frames confirmed for earlier ones, at those frames' media seconds (as the tracker keys them).</summary>
    public IReadOnlyList<(double Time, TrackedPerson Person)> Backfill = [];

    public bool IsEnd => Frame is null;
}
