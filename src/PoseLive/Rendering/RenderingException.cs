namespace PoseLive.Rendering;

/// <summary>Rendering failed: no GL device, a shader did not compile (with file and line), or a GL error (with GL's message).</summary>
public sealed class RenderingException(string message) : Exception(message);
