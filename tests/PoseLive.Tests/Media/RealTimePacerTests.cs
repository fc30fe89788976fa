using PoseLive.Media;

namespace PoseLive.Tests.Media;

/// <summary>Real-time pacing on an injected clock (no sleeping in tests).</summary>
public class RealTimePacerTests
{
    private sealed class ManualClock : TimeProvider
    {
        public long Ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => Ticks;
        public void Advance(TimeSpan t) => Ticks += t.Ticks;
    }

    [Fact]
    public void Frames_are_due_at_their_media_time_relative_to_the_first()
    {
        var clock = new ManualClock();
        var pacer = new RealTimePacer(clock);
        Assert.Equal(TimeSpan.Zero, pacer.DelayFor(TimeSpan.FromSeconds(5)));            // anchors
        Assert.Equal(TimeSpan.FromMilliseconds(100), pacer.DelayFor(TimeSpan.FromSeconds(5.1)));
        clock.Advance(TimeSpan.FromMilliseconds(60));
        Assert.Equal(TimeSpan.FromMilliseconds(40), pacer.DelayFor(TimeSpan.FromSeconds(5.1)));
        clock.Advance(TimeSpan.FromMilliseconds(300));                                     // consumer fell behind
        Assert.Equal(TimeSpan.Zero, pacer.DelayFor(TimeSpan.FromSeconds(5.2)));           // late frames are due at once
        pacer.Reset();
        Assert.Equal(TimeSpan.Zero, pacer.DelayFor(TimeSpan.FromSeconds(1)));             // re-anchored after a seek
        Assert.Equal(TimeSpan.FromMilliseconds(500), pacer.DelayFor(TimeSpan.FromSeconds(1.5)));
    }
}
