using System.Diagnostics;
using System.Globalization;
using PoseLive.Inference;
using PoseLive.Media;
using PoseLive.Models;
using PoseLive.Onnx;
using PoseLive.Pipeline;

namespace PoseLive.Diagnostics;

/// <summary>What <see cref="GpuCheck"/> runs on.</summary>
public sealed record GpuCheckOptions
{
    public required string Video { get; init; }
    public string ModelsDirectory { get; init; } = ModelZoo.DefaultDirectory();
    public IReadOnlyList<string> Models { get; init; } = ["centernet", "movenet-lightning", "movenet-thunder"];
    /// <summary>Frames of the video compared CUDA against CPU.</summary>
    public int Frames { get; init; } = 8;
    /// <summary>Timed runs per model and device (after 3 warm-up runs); the median is reported.</summary>
    public int Runs { get; init; } = 20;
    public int CudaDeviceId { get; init; }
    /// <summary>Largest |CUDA − CPU| allowed on a heatmap output.</summary>
    public double HeatmapTolerance { get; init; } = 1e-3;
    /// <summary>Without CUDA: report "CUDA unavailable" and pass (CPU-only machines, CI).</summary>
    public bool AllowCpu { get; init; }
    /// <summary>Frames of the video annotated with the CUDA device for the fps figure (null: all).</summary>
    public long? AnnotateFrames { get; init; }
}

/// <summary>One model's result: latency per device, and the largest CUDA−CPU difference per output.</summary>
public sealed record GpuModelResult(string Model, double CpuMs, double? CudaMs, IReadOnlyDictionary<string, double> MaxDifference, bool Passed);

/// <summary>
/// The unattended GPU check: runs the served models on CUDA and on the CPU on the same frames of a video, compares
/// every output (heatmaps within <see cref="GpuCheckOptions.HeatmapTolerance"/>), times both, and annotates the video
/// on CUDA for its fps. Without usable CUDA it times the CPU alone and says why CUDA is unavailable.
/// </summary>
public static class GpuCheck
{
    /// <summary>Runs the check, writing a report to <paramref name="output"/>; returns the exit code (0 passed).</summary>
    public static async Task<int> RunAsync(GpuCheckOptions o, TextWriter output, CancellationToken cancellationToken = default)
    {
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine($"ONNX Runtime {OnnxRuntime.Version} from {OnnxRuntime.LibraryPath}; providers: {string.Join(", ", OnnxRuntime.AvailableProviders)}");
        var cuda = CudaSupport.Current;
        foreach (var l in cuda.Libraries) output.WriteLine($"  {l.Name,-20} {(l.Found ? "found" : "missing")}  ({l.Purpose})");
        if (!cuda.Usable) output.WriteLine($"CUDA unavailable: {cuda.Reason}");
        using var source = VideoSource.Open(o.Video);                 // frames stay valid while their source is open
        var frames = ReadFrames(source, o.Video, o.Frames);
        var cpu = new InferenceOptions { Provider = ExecutionProvider.Cpu };
        var gpu = new InferenceOptions { Provider = ExecutionProvider.Cuda, CudaDeviceId = o.CudaDeviceId };
        var results = new List<GpuModelResult>();
        try
        {
            foreach (var name in o.Models)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var r = CheckModel(name, o, frames, cpu, cuda.Usable ? gpu : null);
                results.Add(r);
                var diffs = string.Join(", ", r.MaxDifference.Select(kv => string.Format(inv, "{0} {1:E2}", kv.Key, kv.Value)));
                output.WriteLine(string.Format(inv, "  {0,-18} CPU {1,7:F2} ms   CUDA {2}   {3}", name, r.CpuMs,
                    r.CudaMs is double c ? string.Format(inv, "{0,7:F2} ms", c) : "      —   ",
                    r.CudaMs is null ? "" : $"max |CUDA−CPU| over {frames.Count} frames: {diffs} → {(r.Passed ? "ok" : "FAILED")}"));
            }
        }
        finally
        {
            foreach (var f in frames) f.Dispose();
        }
        if (!cuda.Usable)
        {
            output.WriteLine(o.AllowCpu ? "gpu check: CUDA unavailable, CPU path checked (--allow-cpu): passed" : "gpu check: FAILED (CUDA unavailable; --allow-cpu accepts that)");
            return o.AllowCpu ? 0 : 1;
        }
        var temp = Directory.CreateTempSubdirectory("poselive-gpu-check-");
        try
        {
            var clock = Stopwatch.StartNew();
            var annotated = await AnnotateJob.RunAsync(o.Video, new AnnotateOptions
            {
                OutputDirectory = temp.FullName, ModelsDirectory = o.ModelsDirectory, MaxFrames = o.AnnotateFrames,
                Inference = gpu with { AllowSpinning = false },
            }, cancellationToken: cancellationToken).ConfigureAwait(false);
            output.WriteLine(string.Format(inv, "  annotate {0} --device {1}: {2} frames in {3:F1} s = {4:F1} fps ({5})",
                Path.GetFileName(o.Video), gpu.DeviceText, annotated.Frames, clock.Elapsed.TotalSeconds, annotated.Frames / clock.Elapsed.TotalSeconds, annotated.Device));
        }
        finally
        {
            temp.Delete(recursive: true);
        }
        bool passed = results.All(r => r.Passed);
        output.WriteLine($"gpu check: {(passed ? "passed" : "FAILED")}");
        return passed ? 0 : 1;
    }

    private static GpuModelResult CheckModel(string name, GpuCheckOptions o, IReadOnlyList<VideoFrame> frames, InferenceOptions cpu, InferenceOptions? gpu)
    {
        var (card, path) = ModelZoo.Find(o.ModelsDirectory, name);
        using var cpuSession = InferenceSession.FromFile(path, cpu);
        using var cpuRunner = new BatchedRunner(cpuSession);
        var cpuRun = cpuRunner.For(1);
        using var gpuSession = gpu is null ? null : InferenceSession.FromFile(path, gpu);
        using var gpuRunner = gpuSession is null ? null : new BatchedRunner(gpuSession);
        var gpuRun = gpuRunner?.For(1);
        var differences = cpuSession.Outputs.ToDictionary(n => n.Name, _ => 0.0);
        foreach (var frame in frames)
        {
            Fill(cpuRun.Input, frame, card.Input);
            cpuRun.Run();
            if (gpuRun is null) continue;
            Fill(gpuRun.Input, frame, card.Input);
            gpuRun.Run();
            foreach (var (output, tensor) in cpuRun.Outputs)
                differences[output] = Math.Max(differences[output], MaxAbsDifference(tensor.Span<float>(), gpuRun.Outputs[output].Span<float>()));
        }
        double cpuMs = Median(cpuRun.Run, o.Runs);
        double? gpuMs = gpuRun is null ? null : Median(gpuRun.Run, o.Runs);
        bool passed = gpuRun is null || differences.Where(kv => kv.Key.Contains("heatmap", StringComparison.OrdinalIgnoreCase)).All(kv => kv.Value <= o.HeatmapTolerance);
        return new GpuModelResult(name, cpuMs, gpuMs, gpuRun is null ? new Dictionary<string, double>() : differences, passed);
    }

    /// <summary>The frame stretched to the model's input (nearest pixel, RGB, 0–255): the same bytes for both devices.</summary>
    private static void Fill(OrtTensor input, VideoFrame frame, ModelInput spec)
    {
        var rgb = frame.Plane(0);
        int w = spec.Width, h = spec.Height, stride = frame.Stride;
        bool asInt = input.ElementType == OnnxDataType.Int32;
        var f = asInt ? default : input.Span<float>();
        var n = asInt ? input.Span<int>() : default;
        for (int y = 0; y < h; y++)
        {
            int sy = Math.Min(frame.Height - 1, y * frame.Height / h);
            for (int x = 0; x < w; x++)
            {
                int sx = Math.Min(frame.Width - 1, x * frame.Width / w);
                for (int c = 0; c < 3; c++)
                {
                    byte v = rgb[sy * stride + sx * 3 + c];
                    int i = (y * w + x) * 3 + c;
                    if (asInt) n[i] = v; else f[i] = v;
                }
            }
        }
    }

    private static double MaxAbsDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double max = 0;
        for (int i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs((double)a[i] - b[i]));
        return max;
    }

    private static double Median(Action run, int runs)
    {
        for (int i = 0; i < 3; i++) run();
        var times = new double[Math.Max(1, runs)];
        for (int i = 0; i < times.Length; i++)
        {
            long t = Stopwatch.GetTimestamp();
            run();
            times[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
        }
        Array.Sort(times);
        return times[times.Length / 2];
    }

    private static List<VideoFrame> ReadFrames(VideoSource source, string video, int count)
    {
        var frames = new List<VideoFrame>();
        while (frames.Count < count && source.ReadFrame() is { } f) frames.Add(f);
        if (frames.Count == 0) throw new MediaException(video, "contains no frames");
        return frames;
    }
}
