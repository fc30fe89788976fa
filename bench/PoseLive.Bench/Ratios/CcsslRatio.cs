using System.Globalization;
using PoseLive.Models;
using PoseLive.Training.Benchmarks;

namespace PoseLive.Bench.Ratios;

/// <summary>
/// `ratio ccssl [WORK [reduced|full|smoke|cached RUN SOURCE.json] [Setting=value …]]`: the CC-SSL benchmark (<see cref="CcsslBenchmark"/>) in
/// one command; the report is WORK/ccssl.json and WORK/ccssl.png. A finished stage (data, footage, a row's run) is reused when run again.
/// `Setting=value` overrides a number of the preset (<see cref="CcsslBenchmarkSettings"/>'s property names, e.g. RoundEpochs=2 Epochs=8).
/// </summary>
internal static class CcsslRatio
{
    public static int Run(string work, string scale, string? run = null, string? source = null, IEnumerable<string>? overrides = null)
    {
        var settings = scale switch
        {
            "cached" => CcsslBenchmarkSettings.Cached(run ?? throw new ArgumentException("ratio ccssl WORK cached RUN SOURCE.json"), source ?? throw new ArgumentException("ratio ccssl WORK cached RUN SOURCE.json")),
            "full" => CcsslBenchmarkSettings.Full,
            "smoke" => CcsslBenchmarkSettings.Smoke,
            "reduced" => new CcsslBenchmarkSettings(),
            _ => throw new ArgumentException($"scale '{scale}' must be reduced, cached, full or smoke"),
        };
        var inv = CultureInfo.InvariantCulture;
        var changed = (overrides ?? []).ToList();
        try
        {
            foreach (var o in changed) settings = settings.With(o);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"ratio ccssl: {e.Message}");
            return 2;
        }
        // a missing cached run or source set fails here, not after the target clips are rendered
        try { if (run is not null) PoseLive.Training.Runs.RunExporter.CheckpointOf(run); }
        catch (FileNotFoundException e)
        {
            Console.Error.WriteLine($"ratio ccssl: {e.Message}");
            return 1;
        }
        if (source is not null && !File.Exists(source))
        {
            Console.Error.WriteLine($"ratio ccssl: {source}: no such source set");
            return 1;
        }
        var report = new CcsslBenchmark(settings, work, ModelZoo.DefaultDirectory(), Console.Out).Run();
        Console.WriteLine($"CC-SSL benchmark ({scale}{(changed.Count > 0 ? " " + string.Join(" ", changed) : "")}): {report.SourceInstances} source stills, {report.AdaptCrops} adaptation crops, {report.EvalInstances} labelled target frames; {settings.Net} {settings.Input}x{settings.Input}");
        foreach (var row in report.Rows)
            Console.WriteLine(string.Format(inv, "  {0,-32} PCK@0.05 {1:F3}  PCK@0.1 {2:F3}  | {3}", row.Name, row.Pck05, row.Pck10,
                string.Join(" ", row.Pck05PerGroup.Select(g => $"{g.Key} {g.Value:F2}"))));
        foreach (var row in report.Rows.Where(r => r.Rounds.Count > 0))
            Console.WriteLine(string.Format(inv, "  {0}: kept {1}; precision@0.05 {2} (all keypoints {3})", row.Name, string.Join(" → ", row.Rounds.Select(r => r.KeptFraction.ToString("P0", inv))),
                string.Join(" → ", row.Rounds.Select(r => (r.Precision05 ?? double.NaN).ToString("P1", inv))),
                string.Join(" → ", row.Rounds.Select(r => (r.AllPrecision05 ?? double.NaN).ToString("P1", inv)))));
        Console.WriteLine(string.Format(inv, "gap closed by CC-SSL: {0:P1} at PCK@0.05 (bar ≥ 55 %), {1:P1} at PCK@0.1; pretraining helps: {2}; {3:F0} min; report {4}",
            report.GapClosed05, report.GapClosed10, report.PretrainingHelps ? "yes" : "no", report.Seconds / 60, Path.Combine(work, "ccssl.json")));
        return 0;
    }
}
