using PoseLive.Media;
using PoseLive.Pipeline;
using PoseLive.Tracking;

namespace PoseLive.Rendering;

/// <summary>A frame as the window shows it: private copies of the pixels, the tracked people and the detector boxes, and media time.</summary>
public sealed class WindowFrame
{
    internal WindowFrame(VideoFrame pixels) => Pixels = pixels;
    public VideoFrame Pixels { get; }
    internal readonly PeopleBuffer OwnPeople = new();
    internal readonly List<Detection.DetectedBox> OwnDetections = [];
    /// <summary>The frame's tracked people (the window's own copy).</summary>
    public IReadOnlyList<TrackedPerson> People => OwnPeople.People;
    /// <summary>The detector's latest boxes when this frame was done (the D layer).</summary>
    public IReadOnlyList<Detection.DetectedBox> Detections => OwnDetections;
    public double Time { get; internal set; }
    public long Index { get; internal set; }
}

/// <summary>
/// The pipeline's hand-off to the window: a mailbox holding the latest frame. <see cref="Write"/> copies
/// the frame (pixels and people) into one of three private buffers and never waits for the window (an unread frame is
/// simply replaced); the window takes the latest with <see cref="TakeLatest"/> and gives it back with
/// <see cref="Return"/>. So neither side blocks the other.
/// </summary>
public sealed class WindowSink : IFrameSink
{
    private readonly object _lock = new();
    private readonly Stack<WindowFrame> _free = new();
    private WindowFrame? _latest;
    private int _width = -1, _height = -1;

    public bool Finished { get; private set; }

    public void Write(FrameResult r)
    {
        var frame = r.Frame!;
        WindowFrame? target;
        lock (_lock)
        {
            if (frame.Width != _width || frame.Height != _height)
            {
                _free.Clear();
                _width = frame.Width;
                _height = frame.Height;
                for (int i = 0; i < 3; i++) _free.Push(new WindowFrame(VideoFrame.CreateUnpooled(frame.Width, frame.Height, frame.Format)));
            }
            if (!_free.TryPop(out target)) { target = _latest!; _latest = null; } // the window holds the others: reuse the unread one
        }
        frame.Buffer.AsSpan(0, Math.Min(frame.Buffer.Length, target.Pixels.Buffer.Length)).CopyTo(target.Pixels.Buffer);
        target.OwnPeople.CopyFrom(r.People);                            // results are reused once written: the window keeps copies
        target.OwnDetections.Clear();
        for (int i = 0; i < r.Detections.Count; i++) target.OwnDetections.Add(r.Detections[i]);
        target.Time = r.Time;
        target.Index = r.FrameIndex;
        lock (_lock)
        {
            if (_latest is not null) _free.Push(_latest);
            _latest = target;
        }
    }

    /// <summary>The newest frame not yet taken, or null.</summary>
    public WindowFrame? TakeLatest()
    {
        lock (_lock)
        {
            var f = _latest;
            _latest = null;
            return f;
        }
    }

    public void Return(WindowFrame frame)
    {
        lock (_lock) if (frame.Pixels.Width == _width && frame.Pixels.Height == _height) _free.Push(frame);
    }

    public void Complete(bool cancelled) => Finished = true;
}
