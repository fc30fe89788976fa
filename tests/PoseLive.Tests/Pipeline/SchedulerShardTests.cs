using System.Collections;
using System.Diagnostics;
using PoseLive.Pipeline;
using PoseLive.Tests.TestSupport;

namespace PoseLive.Tests.Pipeline;

/// <summary>`--shard auto` on Kubernetes Indexed Jobs and Slurm job arrays.</summary>
[Collection("pipeline")]
public class SchedulerShardTests
{
    private static Hashtable Env(params (string, string)[] vars) => new(vars.ToDictionary(v => v.Item1, v => (object?)v.Item2));

    [Fact]
    public void Scheduler_variables_give_the_shard()
    {
        Assert.Equal((2, 5), Pick(SchedulerShard.Resolve("auto/5", Env(("JOB_COMPLETION_INDEX", "2")))));
        Assert.Equal((2, 5), Pick(SchedulerShard.Resolve("auto", Env(("JOB_COMPLETION_INDEX", "2"), (SchedulerShard.CountVariable, "5")))));
        Assert.Equal((0, 3), Pick(SchedulerShard.Resolve("auto", Env(("SLURM_ARRAY_TASK_ID", "1"), ("SLURM_ARRAY_TASK_MIN", "1"), ("SLURM_ARRAY_TASK_COUNT", "3")))));
        Assert.Equal((4, 5), Pick(SchedulerShard.Resolve("auto", Env(("SLURM_ARRAY_TASK_ID", "14"), ("SLURM_ARRAY_TASK_MIN", "10"), ("SLURM_ARRAY_TASK_MAX", "14")))));
        Assert.Contains("Slurm job array", SchedulerShard.Resolve("auto", Env(("SLURM_ARRAY_TASK_ID", "0"), ("SLURM_ARRAY_TASK_COUNT", "2"))).From);
    }

    [Theory]
    [InlineData("auto", new string[0], "neither JOB_COMPLETION_INDEX (Kubernetes Indexed Job) nor SLURM_ARRAY_TASK_ID")]
    [InlineData("auto", new[] { "JOB_COMPLETION_INDEX", "1" }, "gives the index but not the count: use --shard auto/N, or set POSELIVE_SHARDS")]
    [InlineData("auto/2", new[] { "JOB_COMPLETION_INDEX", "2" }, "gives shard 2 of 2, which is not 0 ≤ k < N")]
    [InlineData("auto", new[] { "SLURM_ARRAY_TASK_ID", "3" }, "without SLURM_ARRAY_TASK_COUNT or SLURM_ARRAY_TASK_MAX")]
    [InlineData("auto", new[] { "JOB_COMPLETION_INDEX", "x" }, "JOB_COMPLETION_INDEX='x' is not a whole number")]
    [InlineData("auto/0", new string[0], "must be auto or auto/N with N ≥ 1")]
    public void Missing_or_inconsistent_variables_are_named(string spec, string[] vars, string expected)
    {
        var env = new Hashtable();
        for (int i = 0; i + 1 < vars.Length; i += 2) env[vars[i]] = vars[i + 1];
        var e = Assert.Throws<ArgumentException>(() => SchedulerShard.Resolve(spec, env));
        Assert.Contains(expected, e.Message);
    }

    private static (int, int) Pick((int Index, int Count, string From) r) => (r.Index, r.Count);

    /// <summary>Three processes per scheduler, each with that scheduler's variables, merge into what explicit k/N shards merge into.</summary>
    [Fact]
    public async Task Three_scheduled_processes_merge_into_the_same_files_as_explicit_shards()
    {
        using var dir = new TestData.TempDir();
        var clip = dir.File("walk.mp4");
        MediaFiles.Tool("ffmpeg", "-v", "error", "-i", MediaFiles.Sample("vtest.avi"), "-frames:v", "24", "-c:v", "libx264", "-pix_fmt", "yuv420p", clip);
        for (int k = 0; k < 3; k++)
        {
            var (code, _, error) = CliRunner.Run("annotate", clip, "--out", dir.File("explicit"), "--shard", $"{k}/3", "--device", "cpu");
            Assert.True(code == 0, error);
        }
        await Task.WhenAll(Enumerable.Range(0, 3).Select(k => Annotate(clip, dir.File("k8s"), "auto/3", ("JOB_COMPLETION_INDEX", $"{k}"))));
        await Task.WhenAll(Enumerable.Range(0, 3).Select(k => Annotate(clip, dir.File("slurm"), "auto",
            ("SLURM_ARRAY_TASK_ID", $"{k + 1}"), ("SLURM_ARRAY_TASK_MIN", "1"), ("SLURM_ARRAY_TASK_MAX", "3"), ("SLURM_ARRAY_TASK_COUNT", "3"))));
        foreach (var run in new[] { "explicit", "k8s", "slurm" })
        {
            var (code, _, error) = CliRunner.Run(["merge", .. Enumerable.Range(0, 3).Select(k => dir.File($"{run}/walk.shard-{k}-of-3.coco.json")), "--out", dir.File($"{run}/merged")]);
            Assert.True(code == 0, error);
        }
        foreach (var file in new[] { "walk.coco.json", "walk.results.json", "walk.jsonl" })
        {
            var expected = File.ReadAllText(dir.File($"explicit/merged/{file}"));
            Assert.Equal(expected, File.ReadAllText(dir.File($"k8s/merged/{file}")));
            Assert.Equal(expected, File.ReadAllText(dir.File($"slurm/merged/{file}")));
        }
        Assert.Equal(24, PoseLive.Coco.CocoReader.ReadGroundTruth(dir.File("k8s/merged/walk.coco.json")).Images.Count);
    }

    private static async Task Annotate(string clip, string outDir, string shard, params (string Name, string Value)[] vars)
    {
        var psi = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "poselive.dll"), "annotate", clip, "--out", outDir, "--shard", shard, "--device", "cpu", "--threads", "1"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var v in new[] { "JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_MAX", "SLURM_ARRAY_TASK_COUNT", SchedulerShard.CountVariable })
            psi.Environment.Remove(v);
        foreach (var (name, value) in vars) psi.Environment[name] = value;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await p.WaitForExitAsync(timeout.Token);
        var err = await stderr;
        Assert.True(p.ExitCode == 0, $"{shard} {string.Join(" ", vars)}: {err} {await stdout}");
        Assert.Contains("poselive: shard ", err);
    }
}
