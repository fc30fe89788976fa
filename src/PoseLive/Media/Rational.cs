namespace PoseLive.Media;

/// <summary>A rational number as FFmpeg uses for time bases and frame rates (e.g. 1/90000, 30000/1001).</summary>
public readonly record struct Rational(int Num, int Den)
{
    public bool IsValid => Num != 0 && Den != 0;

    public double ToDouble() => Den == 0 ? 0 : (double)Num / Den;

    /// <summary>Seconds of <paramref name="ticks"/> in this time base.</summary>
    public double Seconds(long ticks) => (double)ticks * Num / Den;

    /// <summary><paramref name="ticks"/> in this time base as a TimeSpan.</summary>
    public TimeSpan ToTimeSpan(long ticks) => TimeSpan.FromTicks((long)Math.Round((decimal)ticks * Num * TimeSpan.TicksPerSecond / Den));

    /// <summary>A time as ticks of this time base (rounded to nearest).</summary>
    public long FromTimeSpan(TimeSpan t) => (long)Math.Round((decimal)t.Ticks * Den / ((decimal)Num * TimeSpan.TicksPerSecond));

    /// <summary>The first tick of this time base at or after <paramref name="t"/>.</summary>
    public long CeilingFromTimeSpan(TimeSpan t) => (long)Math.Ceiling((decimal)t.Ticks * Den / ((decimal)Num * TimeSpan.TicksPerSecond));

    /// <summary>Converts <paramref name="ticks"/> from this time base to <paramref name="to"/> (rounded to nearest).</summary>
    public long Rescale(long ticks, Rational to) => (long)Math.Round((decimal)ticks * Num * to.Den / ((decimal)Den * to.Num));

    public override string ToString() => $"{Num}/{Den}";
}
