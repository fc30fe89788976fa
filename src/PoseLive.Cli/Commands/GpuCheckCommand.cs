using System.CommandLine;
using PoseLive.Diagnostics;

namespace PoseLive.Cli.Commands;

/// <summary>
/// `poselive gpu-check`: the served models on CUDA against the CPU on the same frames (heatmaps within 1e-3), latency
/// on both, and the annotate fps with --device cuda. scripts/gpu-check.sh builds with the GPU package and runs it.
/// </summary>
internal static class GpuCheckCommand
{
    public static Command Create()
    {
        var video = new Option<string?>("--video") { Description = "Video whose frames are compared and annotated (default: media/vtest.avi)." };
        var frames = new Option<int>("--frames") { Description = "Frames compared CUDA against CPU.", DefaultValueFactory = _ => 8 };
        var runs = new Option<int>("--runs") { Description = "Timed runs per model and device (median reported).", DefaultValueFactory = _ => 20 };
        var annotateFrames = new Option<long?>("--annotate-frames") { Description = "Annotate at most this many frames on CUDA (default: the whole video)." };
        var allowCpu = new Option<bool>("--allow-cpu") { Description = "Without CUDA, report \"CUDA unavailable\", check the CPU path and exit 0 (for CPU-only machines and CI)." };
        var device = new Option<int>("--cuda-device") { Description = "CUDA device index.", DefaultValueFactory = _ => 0 };
        var dir = new Option<string?>("--models") { Description = "Models folder." };
        frames.AtLeast(1);
        runs.AtLeast(1);
        device.AtLeast(0);
        annotateFrames.AtLeast(1);
        var command = new Command("gpu-check", "Compare the served models on CUDA against the CPU (outputs, latency) and time annotate on CUDA.")
        {
            video, frames, runs, annotateFrames, allowCpu, device, dir,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(video) ?? FindMedia("vtest.avi");
            if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such video (run scripts/setup.sh for media/vtest.avi, or pass --video)");
            return await GpuCheck.RunAsync(new GpuCheckOptions
            {
                Video = path,
                ModelsDirectory = parse.GetValue(dir) ?? PoseLive.Models.ModelZoo.DefaultDirectory(),
                Frames = parse.GetValue(frames),
                Runs = parse.GetValue(runs),
                AnnotateFrames = parse.GetValue(annotateFrames),
                AllowCpu = parse.GetValue(allowCpu),
                CudaDeviceId = parse.GetValue(device),
            }, parse.InvocationConfiguration.Output, cancellationToken);
        });
        return command;
    }

    private static string FindMedia(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var p = Path.Combine(dir.FullName, "media", name);
            if (File.Exists(p)) return p;
        }
        return Path.Combine("media", name);
    }
}
