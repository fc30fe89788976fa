namespace PoseLive.Synthetic;

/// <summary>Bad synthetic-data input or settings; the message names the file or option and the problem.</summary>
public sealed class SynthException(string message) : Exception(message);
