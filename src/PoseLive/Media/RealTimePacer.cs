namespace PoseLive.Media;

/// <summary>
/// Releases frames at their media timestamps on the wall clock, so a file behaves like a live camera:
/// the first frame anchors media time to "now"; each later frame is due at anchor + (its time − first
/// time). A consumer that falls behind gets frames late (and must drop), exactly as with a camera.
/// </summary>
public sealed class RealTimePacer(TimeProvider? timeProvider = null)
{
    private readonly TimeProvider _clock = timeProvider ?? TimeProvider.System;
    private long _anchorTimestamp;
    private TimeSpan _anchorMedia;
    private bool _anchored;

    /// <summary>How long to wait before releasing a frame at <paramref name="mediaTime"/> (zero when it is already due).</summary>
    public TimeSpan DelayFor(TimeSpan mediaTime)
    {
        if (!_anchored)
        {
            _anchored = true;
            _anchorTimestamp = _clock.GetTimestamp();
            _anchorMedia = mediaTime;
            return TimeSpan.Zero;
        }
        var due = mediaTime - _anchorMedia;
        var elapsed = _clock.GetElapsedTime(_anchorTimestamp);
        return due > elapsed ? due - elapsed : TimeSpan.Zero;
    }

    /// <summary>Blocks until the frame at <paramref name="mediaTime"/> is due.</summary>
    public void WaitFor(TimeSpan mediaTime, CancellationToken cancellationToken = default)
    {
        var delay = DelayFor(mediaTime);
        if (delay <= TimeSpan.Zero) return;
        if (_clock != TimeProvider.System)
        {
            Task.Delay(delay, _clock, cancellationToken).GetAwaiter().GetResult();   // an injected clock decides when time passes
            return;
        }
        // the wall clock: a blocking wait on the token's handle allocates nothing per frame (a Task.Delay costs a task and a
        // timer each time); whole milliseconds rounded up, so a frame is never released early
        int ms = (int)Math.Ceiling(delay.TotalMilliseconds);
        if (cancellationToken.CanBeCanceled) { if (cancellationToken.WaitHandle.WaitOne(ms)) cancellationToken.ThrowIfCancellationRequested(); }
        else Thread.Sleep(ms);
    }

    /// <summary>Forgets the anchor (after a seek).</summary>
    public void Reset() => _anchored = false;
}
