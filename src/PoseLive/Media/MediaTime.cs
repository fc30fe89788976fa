namespace PoseLive.Media;

/// <summary>
/// A frame's media time as the container gives it: an integer presentation timestamp in a time base. Stages pass
/// it on unchanged; it becomes seconds only where arithmetic needs them (the tracker's filters, the outputs).
/// </summary>
public readonly record struct MediaTime(long Pts, Rational TimeBase)
{
    /// <summary>Seconds since the stream's zero: exactly what <see cref="VideoFrame.Seconds"/> gives for the same frame.</summary>
    public double Seconds => TimeBase.Seconds(Pts);

    public override string ToString() => $"{Pts}×{TimeBase}";
}
