namespace PoseLive.Cli.Commands;

/// <summary>
/// A usage error found by a verb before any work starts (conflicting options, a value the data rules out): printed as
/// one line "poselive: error: MESSAGE" and exit code 2, like the parser's own errors.
/// </summary>
internal sealed class UsageException(string message) : Exception(message);
