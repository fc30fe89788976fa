using PoseLive.Models;

namespace PoseLive.Cli.Commands;

/// <summary>Names of the installed models of a kind, for --help texts.</summary>
internal static class InstalledModels
{
    public static string Names(string task)
    {
        try
        {
            var dir = ModelZoo.DefaultDirectory();
            var names = Directory.Exists(dir) ? ModelZoo.Installed(dir).Where(c => c.Task == task).Select(c => c.Name).Order(StringComparer.Ordinal).ToList() : [];
            return names.Count > 0 ? string.Join(", ", names) : "none yet: run poselive models fetch";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ModelCardException)
        {
            return "see poselive models list";
        }
    }
}
