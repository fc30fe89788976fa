using BenchmarkDotNet.Running;
using PoseLive.Bench.Ratios;

namespace PoseLive.Bench;

/// <summary>
/// `ratio NAME …` runs a one-run ratio benchmark (physical reference measured in the same run);
/// anything else goes to BenchmarkDotNet (e.g. --filter '*OrtRunOverhead*').
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length >= 2 && args[0] == "ratio")
        {
            return args[1] switch
            {
                "decode" => DecodeRatio.Run(args.Length > 2 ? args[2] : FindMedia("vtest.avi"), 5),
                "ort-overhead" => OrtOverheadRatio.Run(rounds: 201, callsPerBlock: 200),
                "models" => ModelRatio.Run(rounds: 31),
                "render" => RenderRatio.Run(args.Length > 2 ? args[2] : FindMedia("vtest.avi"), 200),
                "train" => TrainRatio.Run(args.Length > 2 ? args[2] : "lpn50",
                                          args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 32,
                                          args.Length > 4 ? int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture) : 5),
                "warp" => WarpRatio.Run(args.Length > 2 ? args[2] : FindMedia("vtest.avi"), 21),
                "train-data" => TrainDataRatio.Run(args.Length > 2 ? args[2] : FindOutput("vtest.coco.json"), args.Length > 3 ? args[3] : Path.GetDirectoryName(FindMedia("vtest.avi")),
                                                   args.Length > 4 ? args[4] : "lpn50", args.Length > 5 ? int.Parse(args[5], System.Globalization.CultureInfo.InvariantCulture) : 32,
                                                   steps: 3, rounds: 4),
                "synth" => SynthRatio.Run(args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 400, args.Length > 3 ? args[3] : "lpn50"),
                "ccssl" => CcsslRatio.Run(args.Length > 2 ? args[2] : Path.Combine("out", "bench-ccssl"), args.Length > 3 ? args[3] : "reduced",
                    args.Length > 4 && args[3] == "cached" ? args[4] : null, args.Length > 5 && args[3] == "cached" ? args[5] : null,
                    args.Skip(args.Length > 3 && args[3] == "cached" ? 6 : 4).Where(a => a.Contains('='))),
                "finetune" when args.Length >= 4 => FinetuneRatio.Run(args[2], args[3], args.Length > 4 ? args[4] : "movenet-lightning"),
                "live" => LiveRatio.Run(args.Length > 2 ? args[2] : FindMedia("vtest.avi"),
                                        args.Length > 3 ? double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 15,
                                        args.Length > 4 ? args[4] : Path.Combine("out", "bench-live", "live.json"),
                                        args.Length > 5 ? args[5] : "1,2,3,4,5,6,7,8,none").GetAwaiter().GetResult(),
                "allreduce" => AllReduceRatio.Run(args.Length > 2 ? args[2] : "lpn50,hrnet_w32", args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 21),
                "pipeline" => PipelineRatio.Run(args.Length > 2 ? args[2] : FindMedia("vtest.avi"), 795).GetAwaiter().GetResult(),
                _ => Usage(),
            };
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: PoseLive.Bench ratio decode [FILE] | ratio ort-overhead | ratio models | ratio pipeline [VTEST] | ratio live [VTEST [SECONDS [REPORT.json [CAPS e.g. 1,4,none]]]] | ratio render [VTEST] | ratio warp [VTEST] | ratio train [lpn50|hrnet_w32] [BATCH] [STEPS] | ratio train-data [DATASET.json [IMAGES [NET [BATCH]]]] | ratio synth [COUNT [NET]] | ratio ccssl [WORK [reduced|full|smoke|cached RUN SOURCE.json] [Setting=value …]] | ratio finetune RUN TUNED [ORIGINAL] | ratio allreduce [NETS [STEPS]] | BenchmarkDotNet arguments");
        return 2;
    }

    private static string FindOutput(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var p = Path.Combine(dir.FullName, "out", name);
            if (File.Exists(p)) return p;
        }
        throw new FileNotFoundException($"out/{name} not found: run scripts/run.sh (it annotates media/vtest.avi) or pass a dataset");
    }

    private static string FindMedia(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var p = Path.Combine(dir.FullName, "media", name);
            if (File.Exists(p)) return p;
        }
        throw new FileNotFoundException($"media/{name} not found: run scripts/setup.sh");
    }
}
