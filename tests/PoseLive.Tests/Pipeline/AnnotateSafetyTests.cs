using PoseLive.Export;
using PoseLive.Tests.TestSupport;

namespace PoseLive.Tests.Pipeline;

/// <summary>A resumed run continues the same run or refuses; a fresh run never silently replaces an earlier one.</summary>
[Collection("pipeline")]
public class AnnotateSafetyTests
{
    private static (int Code, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);

    private static Dictionary<string, byte[]> Snapshot(string dir) =>
        Directory.GetFiles(dir).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);

    [Fact]
    public void The_journal_records_the_settings_and_resume_with_other_settings_is_refused_naming_each()
    {
        using var dir = new TestData.TempDir();
        var video = MediaFiles.Sample("vtest.avi");
        var (code, _, error) = Run("annotate", video, "--out", dir.Path, "--max-frames", "4", "--device", "cpu");
        Assert.True(code == 0, error);
        var settings = FrameJournal.ReadSettings(dir.File("vtest.jsonl"))!;
        Assert.Equal("movenet-lightning", settings["pose_model"]);
        Assert.Equal("5", settings["detector_interval"]);
        Assert.Equal("0.3", settings["detector_threshold"]);
        Assert.Equal("795", settings["shard_frames"]);
        Assert.StartsWith($"{new FileInfo(video).Length}:", settings["video_fingerprint"]);
        Assert.Contains("\"ConfirmHits\":2", settings["tracker"]);
        Assert.Equal(64, settings["pose_model_sha256"].Length);
        Assert.Equal(4, FrameJournal.Read(dir.File("vtest.jsonl")).Count);   // the settings line is not a frame
        var before = Snapshot(dir.Path);

        (code, _, error) = Run("annotate", video, "--out", dir.Path, "--resume", "--model", "movenet-thunder", "--detector-interval", "2", "--max-frames", "8", "--device", "cpu");
        Assert.Equal(1, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("--resume with other settings than the interrupted run:", line);
        Assert.Contains("detector_interval 5 → 2", line);
        Assert.Contains("pose_model movenet-lightning → movenet-thunder", line);
        Assert.Contains("pose_model_sha256 ", line);
        Assert.DoesNotContain("producer", line);
        Assert.Equal(before, Snapshot(dir.Path));                             // nothing touched

        // the same settings resume (and continue to 8 frames)
        (code, var output, error) = Run("annotate", video, "--out", dir.Path, "--resume", "--max-frames", "8", "--device", "cpu");
        Assert.True(code == 0, error);
        Assert.Contains("8 frames (4 resumed)", output);
    }

    [Fact]
    public void A_fresh_run_into_a_folder_with_results_refuses_unless_overwrite()
    {
        using var dir = new TestData.TempDir();
        var video = MediaFiles.Sample("vtest.avi");
        Assert.Equal(0, Run("annotate", video, "--out", dir.Path, "--max-frames", "6", "--device", "cpu").Code);
        var before = Snapshot(dir.Path);

        var (code, _, error) = Run("annotate", video, "--out", dir.Path, "--max-frames", "2", "--device", "cpu");
        Assert.Equal(1, code);
        Assert.Contains($"{dir.File("vtest.coco.json")} holds an earlier run: add --resume to continue it, or --overwrite to replace it", error);
        Assert.Equal(before, Snapshot(dir.Path));

        (code, var output, error) = Run("annotate", video, "--out", dir.Path, "--max-frames", "2", "--overwrite", "--device", "cpu");
        Assert.True(code == 0, error);
        Assert.Contains(": 2 frames →", output);
        Assert.Equal(2, FrameJournal.Read(dir.File("vtest.jsonl")).Count);

        (code, _, error) = Run("annotate", video, "--out", dir.Path, "--overwrite", "--resume");
        Assert.Equal(2, code);
        Assert.Contains("--overwrite and --resume contradict each other", error);
    }
}

/// <summary>Offline output is not causal: a track's first frames are written once it is confirmed.</summary>
[Collection("pipeline")]
public class AnnotateBackfillTests
{
    [Fact]
    public void The_first_frame_of_every_track_is_written()
    {
        using var dir = new TestData.TempDir();
        var (code, _, error) = CliRunner.Run("annotate", MediaFiles.Sample("vtest.avi"), "--out", dir.Path, "--max-frames", "12", "--device", "cpu");
        Assert.True(code == 0, error);
        var dataset = PoseLive.Coco.CocoReader.ReadGroundTruth(dir.File("vtest.coco.json"));
        var journal = FrameJournal.Read(dir.File("vtest.jsonl"));
        // frame 0: every person the tracker later confirmed is there (before back-fill: none)
        Assert.True(journal[0].People.Count >= 1, "frame 0 has nobody");
        // each track's first annotation is on the frame its first raw pose came from, and the journal agrees with the COCO file
        foreach (var f in journal)
        {
            var image = dataset.Images.Single(i => i.FrameIndex == f.Frame);
            Assert.Equal(f.People.Select(p => (long)p.TrackId).Order(), dataset.Annotations.Where(a => a.ImageId == image.Id).Select(a => a.TrackId!.Value).Order());
        }
        var first = dataset.Annotations.GroupBy(a => a.TrackId).Select(g => g.Min(a => a.ImageId)).ToList();
        Assert.Contains(first, id => id == dataset.Images.Single(i => i.FrameIndex == 0).Id);
    }

    [Fact]
    public void A_single_image_keeps_every_person_pose_finds_above_the_trackers_score_floor()
    {
        using var dir = new TestData.TempDir();
        var still = MediaFiles.Sample("messi5.jpg");
        var (code, output, error) = CliRunner.Run("pose", still, "--model", "movenet-lightning", "--device", "cpu");
        Assert.True(code == 0, error);
        // the tracker keeps poses scored at least TrackerOptions.MinScore (0.1); pose lists every one with its score
        int found = System.Text.RegularExpressions.Regex.Matches(output, @"pose score (\d\.\d\d)")
            .Count(m => double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= new PoseLive.Tracking.TrackerOptions().MinScore);
        Assert.True(found >= 2, output);
        (code, _, error) = CliRunner.Run("annotate", still, "--out", dir.Path, "--device", "cpu");
        Assert.True(code == 0, error);
        var dataset = PoseLive.Coco.CocoReader.ReadGroundTruth(dir.File("messi5.coco.json"));
        Assert.Equal(found, dataset.Annotations.Count);
    }
}
