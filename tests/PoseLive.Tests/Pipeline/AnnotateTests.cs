using System.Diagnostics;
using System.Text.Json;
using PoseLive.Coco;
using PoseLive.Export;
using PoseLive.Pipeline;
using PoseLive.Tests.TestSupport;

namespace PoseLive.Tests.Pipeline;

/// <summary>Offline annotation of the real footage with the real models: completeness, tracks, interruption and resume.</summary>
[Collection("pipeline")] // heavy: one at a time
public class AnnotateTests
{
    private static AnnotateOptions Options(string dir, long? maxFrames = null) => new() { OutputDirectory = dir, MaxFrames = maxFrames, CheckpointSeconds = 0.5 };

    [Fact]
    public async Task Vtest_annotation_has_one_image_per_frame_and_lasting_track_ids()
    {
        using var dir = new TestData.TempDir();
        var result = await AnnotateJob.RunAsync(MediaFiles.Sample("vtest.avi"), Options(dir.Path));

        var dataset = CocoReader.ReadGroundTruth(result.Dataset);                    // loads as `poselive eval` loads it
        Assert.Equal(795, dataset.Images.Count);
        Assert.Equal(Enumerable.Range(0, 795).Select(i => $"vtest.avi#{i}"), dataset.Images.Select(i => i.FileName));
        Assert.Equal(79.4, dataset.Images[^1].Timestamp!.Value, 6);
        var perTrack = dataset.Annotations.GroupBy(a => a.TrackId!.Value).Select(g => g.Count()).ToList();
        double inLongTracks = perTrack.Where(n => n >= 30).Sum() / (double)dataset.Annotations.Count;
        Assert.True(inLongTracks >= 0.8, $"{inLongTracks:P0} of instances are in tracks of ≥ 30 frames ({perTrack.Count} tracks)");
        Assert.InRange(dataset.Annotations.Count / 795.0, 4, 8);                       // the scene has ~4–8 visible pedestrians
        var stats = new CocoKeypointEvaluator(dataset).Evaluate(CocoReader.ReadResults(result.Results, dataset));
        Assert.Equal(1.0, stats.AP, 6);                                               // the results file is the same data
        Assert.Equal(795, FrameJournal.Read(result.Journal).Count);
    }

    [Fact]
    public async Task Cancelled_run_keeps_its_finished_frames_and_resume_equals_an_uninterrupted_run()
    {
        var video = MediaFiles.Sample("vtest.avi");
        using var whole = new TestData.TempDir();
        await AnnotateJob.RunAsync(video, Options(whole.Path, 120));

        using var split = new TestData.TempDir();
        using var cts = new CancellationTokenSource();
        var first = await AnnotateJob.RunAsync(video, Options(split.Path, 120), (done, _) => { if (done == 40) cts.Cancel(); }, cts.Token);
        Assert.InRange(first.Frames, 40, 119);                                        // drained frames included, not all
        var partial = CocoReader.ReadGroundTruth(first.Dataset);                      // valid after Ctrl-C
        Assert.Equal(first.Frames, partial.Images.Count);

        var resumed = await AnnotateJob.RunAsync(video, Options(split.Path, 120) with { Resume = true });
        Assert.Equal(first.Frames, resumed.ResumedFrames);
        Assert.Equal(120, resumed.Frames);
        AssertSameAnnotation(whole.Path, split.Path);
    }

    [Fact]
    public async Task Killed_process_leaves_a_valid_journal_and_resume_completes_it()
    {
        var video = MediaFiles.Sample("vtest.avi");
        using var whole = new TestData.TempDir();
        await AnnotateJob.RunAsync(video, Options(whole.Path, 100));

        using var killed = new TestData.TempDir();
        var psi = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "poselive.dll"), "annotate", video, "--out", killed.Path, "--max-frames", "100"])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        using (var p = Process.Start(psi)!)
        {
            var journal = Path.Combine(killed.Path, "vtest.jsonl");
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(120) && !p.HasExited && (!File.Exists(journal) || File.ReadAllLines(journal).Length < 31)) await Task.Delay(50); // the settings line + 30 frames
            p.Kill(entireProcessTree: true);                                          // SIGKILL: no chance to flush
            await p.WaitForExitAsync();
            var frames = FrameJournal.Read(journal);                                  // every complete line parses
            Assert.InRange(frames.Count, 30, 99);
            Assert.Equal(Enumerable.Range(0, frames.Count).Select(i => (long)i), frames.Select(f => f.Frame));
        }
        var resumed = await AnnotateJob.RunAsync(video, Options(killed.Path, 100) with { Resume = true });
        Assert.Equal(100, resumed.Frames);
        AssertSameAnnotation(whole.Path, killed.Path);
    }

    private static void AssertSameAnnotation(string expectedDir, string actualDir)
    {
        static string Section(string dir, string name)
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "vtest.coco.json")));
            return doc.RootElement.GetProperty(name).GetRawText();
        }
        Assert.Equal(Section(expectedDir, "images"), Section(actualDir, "images"));
        Assert.Equal(Section(expectedDir, "annotations"), Section(actualDir, "annotations"));
        Assert.Equal(File.ReadAllText(Path.Combine(expectedDir, "vtest.results.json")), File.ReadAllText(Path.Combine(actualDir, "vtest.results.json")));
    }

    [Fact]
    public async Task Unwritable_output_folder_is_a_clear_error_and_nothing_is_left_behind()
    {
        using var dir = new TestData.TempDir();
        File.WriteAllText(dir.File("taken"), "a file, not a folder");
        var e = await Assert.ThrowsAnyAsync<IOException>(() => AnnotateJob.RunAsync(MediaFiles.Sample("vtest.avi"), Options(dir.File("taken"), 5)));
        Assert.Contains("is not writable", e.Message);
        Assert.Single(Directory.GetFileSystemEntries(dir.Path));
    }
}
