using System.Diagnostics;
using PoseLive.Detection;
using PoseLive.Media;

namespace PoseLive.Pipeline.Live;

/// <summary>What the detector found on one frame: that frame's media time and index, and its boxes (reused: see <see cref="LiveDetectStage.Recycle"/>).</summary>
internal sealed class DetectionBatch
{
    public MediaTime Time { get; set; }
    public long FrameIndex { get; set; }
    public List<DetectedBox> Boxes { get; } = [];
}

/// <summary>
/// The detector off the frame path: on its own thread, on a private copy of the newest frame after someone
/// <see cref="Request"/>s a look (the capture stage <see cref="Offer"/>s every frame; only a requested one, while
/// the detector is idle, is copied). Its result waits in a one-slot mailbox for the pose stage, which merges it
/// into the tracker at the detected frame's own time and gives back (<see cref="Recycle"/>): two batches take turns, so
/// a look allocates nothing.
/// </summary>
internal sealed class LiveDetectStage(IPersonDetector detector, PipelineMetrics metrics)
{
    private readonly object _lock = new();
    private VideoFrame? _copy;
    private MediaTime _time;
    private long _index;
    private bool _requested, _busy, _completed;
    private DetectionBatch? _result;
    private DetectionBatch? _spare = new();
    private DetectionBatch _writing = new();

    /// <summary>Whether a look was asked for and has not yet come back.</summary>
    public bool InFlight { get { lock (_lock) return _requested || _busy || _result is not null; } }

    /// <summary>Asks for a look at the next frame (ignored while one is in flight).</summary>
    public void Request() { lock (_lock) if (!_busy) _requested = true; }

    /// <summary>The capture stage's newest frame: copied for the detector when a look was asked for and it is idle.</summary>
    public void Offer(VideoFrame frame)
    {
        lock (_lock)
        {
            if (!_requested || _busy || _completed) return;
            if (_copy is null || _copy.Width != frame.Width || _copy.Height != frame.Height || _copy.Format != frame.Format)
                _copy = VideoFrame.CreateUnpooled(frame.Width, frame.Height, frame.Format);
            frame.Buffer.AsSpan().CopyTo(_copy.Buffer);
            _time = frame.Time;
            _index = frame.Index;
            _requested = false;
            _busy = true;
            Monitor.Pulse(_lock);
        }
    }

    /// <summary>The latest finished detection, once.</summary>
    public bool TryTake(out DetectionBatch batch)
    {
        lock (_lock)
        {
            batch = _result!;
            _result = null;
            return batch is not null;
        }
    }

    /// <summary>Gives a batch from <see cref="TryTake"/> back once its boxes are merged (and copied by whoever keeps them).</summary>
    public void Recycle(DetectionBatch batch) { lock (_lock) _spare = batch; }

    /// <summary>Stops the detector thread after its current run.</summary>
    public void Complete() { lock (_lock) { _completed = true; Monitor.PulseAll(_lock); } }

    /// <summary>The detector thread: runs each copied frame until <see cref="Complete"/>.</summary>
    public void Run()
    {
        while (true)
        {
            VideoFrame frame;
            lock (_lock)
            {
                while (!_busy && !_completed) Monitor.Wait(_lock);
                if (_completed) return;
                frame = _copy!;
            }
            long start = Stopwatch.GetTimestamp();
            var batch = _writing;                                        // the detector thread's own until it is posted
            detector.Detect(frame.Plane(0), frame.Width, frame.Height, frame.Stride, batch.Boxes);
            metrics.DetectionDone(start, Stopwatch.GetTimestamp());
            lock (_lock)
            {
                (batch.Time, batch.FrameIndex) = (_time, _index);
                // the unread result (if the pose stage has not taken it) becomes the next to write; else the one given back
                if (_result is { } unread) _writing = unread;
                else { _writing = _spare ?? new DetectionBatch(); _spare = null; }
                _result = batch;
                _busy = false;
            }
        }
    }
}
