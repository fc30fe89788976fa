namespace PoseLive.Cli;

internal static class Program
{
    private static int Main(string[] args) => PoseLiveCli.Run(args, Console.Out, Console.Error);
}
