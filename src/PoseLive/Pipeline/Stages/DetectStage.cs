using System.Diagnostics;
using PoseLive.Detection;

namespace PoseLive.Pipeline.Stages;

/// <summary>
/// Runs the detector on every N-th frame (counted from the start of the run, or from where a resumed run left off);
/// the frames in between go on without boxes, for the pose stage to propagate.
/// </summary>
internal sealed class DetectStage(IPersonDetector detector, int interval, long processed) : FrameStage
{
    private long _processed = processed;

    protected override StageWork Process(StageWork w)
    {
        bool run = _processed++ % Math.Max(1, interval) == 0;
        if (run)
        {
            var f = w.Frame!;
            w.Times.DetectStart = Stopwatch.GetTimestamp();
            w.Detections = detector.Detect(f.Plane(0), f.Width, f.Height, f.Stride);
            w.Times.DetectEnd = Stopwatch.GetTimestamp();
        }
        return w;
    }
}
