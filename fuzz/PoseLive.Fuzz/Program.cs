using PoseLive.Fuzz;

// PoseLive.Fuzz TARGET                 under afl-fuzz (SharpFuzz): one input per run, read from standard input
// PoseLive.Fuzz TARGET --check FILE…   each file once, in this process: prints "ok" or the finding; exit 1 on a finding
// PoseLive.Fuzz seeds DIR              writes the seed corpus DIR/TARGET/seed-N
// PoseLive.Fuzz list                   the targets
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.Error.WriteLine("usage: PoseLive.Fuzz TARGET | TARGET --check FILE... | seeds DIR | list");
    return 2;
}
if (args[0] == "list")
{
    foreach (var t in FuzzTargets.All) Console.WriteLine($"{t.Name,-14} {t.Description}");
    return 0;
}
if (args[0] == "seeds")
{
    FuzzSeeds.Write(args.Length > 1 ? args[1] : "fuzz-corpus");
    return 0;
}
var target = FuzzTargets.Get(args[0]);
var scratch = Directory.CreateTempSubdirectory($"poselive-fuzz-{target.Name}-").FullName;
try
{
    if (args.Length > 1 && args[1] == "--check")
    {
        int findings = 0;
        foreach (var file in args.Skip(2))
        {
            var (finding, rejection) = FuzzTargets.Classify(target, File.ReadAllBytes(file), scratch);
            Console.WriteLine(finding is not null ? $"FINDING  {file}: {finding.GetType().Name}: {finding.Message}"
                : rejection is not null ? $"rejected {file}: {rejection.Message}" : $"accepted {file}");
            if (finding is not null) { findings++; Console.Error.WriteLine(finding); }
        }
        return findings > 0 ? 1 : 0;
    }
    SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        if (FuzzTargets.Check(target, buffer.ToArray(), scratch) is { } finding) throw finding; // an uncaught exception is a crash to AFL
    });
    return 0;
}
finally
{
    try { Directory.Delete(scratch, recursive: true); } catch (IOException) { }
}
