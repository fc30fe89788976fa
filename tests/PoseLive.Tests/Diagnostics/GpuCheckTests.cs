using System.Diagnostics;
using PoseLive.Inference;
using PoseLive.Tests.TestSupport;

namespace PoseLive.Tests.Diagnostics;

/// <summary>The GPU check on whatever this machine has: with CUDA it must compare and pass; without, say so.</summary>
public class GpuCheckTests
{
    [Fact]
    public void Gpu_check_reports_each_model_and_why_cuda_is_unavailable()
    {
        var (code, output, err) = CliRunner.Run("gpu-check", "--allow-cpu", "--frames", "2", "--runs", "2", "--annotate-frames", "10");
        Assert.True(code == 0, err + output);
        Assert.Contains($"ONNX Runtime {OnnxRuntime.Version} from {OnnxRuntime.LibraryPath}", output);
        foreach (var model in new[] { "centernet", "movenet-lightning", "movenet-thunder" })
            Assert.Matches($@"{model}\s+CPU\s+\d+\.\d\d ms", output);
        if (CudaSupport.Current.Usable)
        {
            Assert.Matches(@"max \|CUDA−CPU\| over 2 frames: heatmap", output);
            Assert.Matches(@"annotate vtest\.avi --device cuda: 10 frames in [\d.]+ s", output);
            Assert.EndsWith("gpu check: passed", output.TrimEnd());
            return;
        }
        Assert.Contains($"CUDA unavailable: {CudaSupport.Current.Reason}", output);
        foreach (var lib in CudaSupport.Current.Missing) Assert.Contains($"{lib} ", output);
        Assert.EndsWith("gpu check: CUDA unavailable, CPU path checked (--allow-cpu): passed", output.TrimEnd());
    }

    [Fact]
    public void Without_allow_cpu_a_machine_without_cuda_fails_the_check()
    {
        if (CudaSupport.Current.Usable) return; // a CUDA machine: the check above covers it
        var (code, output, _) = CliRunner.Run("gpu-check", "--frames", "1", "--runs", "1");
        Assert.Equal(1, code);
        Assert.EndsWith("gpu check: FAILED (CUDA unavailable; --allow-cpu accepts that)", output.TrimEnd());
    }

    // The script as a CUDA machine runs it: builds with ONNX Runtime's GPU package under build/gpu/ and runs the check.
    // Here that package's CPU path must work and the check must name the missing CUDA libraries and pass with --allow-cpu.
    [Fact]
    public async Task Gpu_check_script_builds_the_cuda_flavour_and_passes_with_allow_cpu()
    {
        var root = MediaFiles.Sample("vtest.avi");
        root = Path.GetDirectoryName(Path.GetDirectoryName(root))!;
        var psi = new ProcessStartInfo("bash", [Path.Combine(root, "scripts", "gpu-check.sh"), "--allow-cpu", "--frames", "1", "--runs", "1"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await p.WaitForExitAsync(timeout.Token);
        var output = await stdout;
        Assert.True(p.ExitCode == 0, output + await stderr);
        Assert.Matches(@"ONNX Runtime 1\.31\.0 from \S+/build/gpu/PoseLive\.Cli/bin/Release/net10\.0/runtimes/linux-x64/native/libonnxruntime\.so; providers: .*CUDAExecutionProvider", output);
        if (output.Contains("CUDA unavailable", StringComparison.Ordinal))
        {
            Assert.Contains("CUDA unavailable: missing CUDA libraries: ", output);
            Assert.EndsWith("gpu check: CUDA unavailable, CPU path checked (--allow-cpu): passed", output.TrimEnd());
        }
        else Assert.EndsWith("gpu check: passed", output.TrimEnd());
    }
}
