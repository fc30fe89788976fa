using PoseLive.Detection;
using PoseLive.Estimation;
using PoseLive.Media;
using PoseLive.Tracking;

namespace PoseLive.Pipeline.Live;

/// <summary>
/// One live frame's result and the storage everything in it refers to (the estimates, the people kept, the tracked
/// people, the detector boxes shown with it), reused once the sinks are done with the frame: the pose stage fills one
/// per frame from a <see cref="LiveResultPool"/>, and whoever finishes or drops it gives it back there.
/// </summary>
internal sealed class LiveResult
{
    public readonly PoseBuffer Estimates = new();
    public readonly List<PersonPose> Kept = [];
    public readonly PeopleBuffer People = new();
    public readonly List<DetectedBox> Detections = [];

    public FrameResult Result { get; } = new()
    {
        FrameIndex = 0, Timestamp = default, Width = 0, Height = 0, People = [], RawPoses = [], Detected = false,
    };

    /// <summary>The frame this result is for (null once given back).</summary>
    public VideoFrame? Frame => Result.Frame;

    /// <summary>Forgets what the last frame left: the storage is overwritten by the next one.</summary>
    public void Clear()
    {
        Estimates.Clear();
        Kept.Clear();
        People.Clear();
        Detections.Clear();
        Result.Set(0, default, 0, 0, [], [], false, [], null, default);
    }
}

/// <summary>
/// Reusable <see cref="LiveResult"/>s, like <see cref="FramePool"/> for frames: renting takes a returned one and only
/// allocates when none is free (<see cref="Reserve"/> makes the most a pipeline holds at once up front). Thread-safe:
/// the pose stage rents, the sinks or a drop give back.
/// </summary>
internal sealed class LiveResultPool
{
    private readonly Stack<LiveResult> _free = new();
    private readonly object _lock = new();

    /// <summary>Results created so far.</summary>
    public int Allocated { get; private set; }

    public void Reserve(int count)
    {
        lock (_lock)
            while (Allocated < count) { _free.Push(new LiveResult()); Allocated++; }
    }

    public LiveResult Rent()
    {
        lock (_lock)
        {
            if (_free.TryPop(out var result)) return result;
            Allocated++;
        }
        return new LiveResult();
    }

    /// <summary>Gives a result back: its frame returns to the frame pool and its storage to this one.</summary>
    public void Return(LiveResult result)
    {
        result.Frame?.Dispose();
        result.Clear();
        lock (_lock) _free.Push(result);
    }
}
