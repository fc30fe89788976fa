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
    /// <summary>The pooled frame, with its media time (<see cref="VideoFrame.Time"/>: PTS and time base).</summary>
    public VideoFrame? Frame;
    public StageTimes Times;
    public IReadOnlyList<DetectedBox>? Detections;
    public IReadOnlyList<PersonPose> Poses = [];
    public FrameResult? Result;
    /// <summary>People later frames confirmed for earlier ones, at those frames' media seconds (as the tracker keys them).</summary>
    public IReadOnlyList<(double Time, TrackedPerson Person)> Backfill = [];

    public bool IsEnd => Frame is null;
}
