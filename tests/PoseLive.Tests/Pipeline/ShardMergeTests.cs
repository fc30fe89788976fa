using System.Text.Json;
using PoseLive.Cli;
using PoseLive.Coco;
using PoseLive.Tests.TestSupport;

namespace PoseLive.Tests.Pipeline;

/// <summary>`annotate --shard k/N` outputs merged back into one video's outputs (`poselive merge`).</summary>
[Collection("pipeline")]
public class ShardMergeTests
{
    private static (int Code, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);

    /// <summary>The first 30 frames of vtest.avi as their own clip, so shards are quick.</summary>
    private static string Clip(TestData.TempDir dir)
    {
        var clip = dir.File("walk.mp4");
        MediaFiles.Tool("ffmpeg", "-v", "error", "-i", MediaFiles.Sample("vtest.avi"), "-frames:v", "30", "-c:v", "libx264", "-pix_fmt", "yuv420p", clip);
        return clip;
    }

    [Fact]
    public void Three_shards_merge_into_what_one_run_covers()
    {
        using var dir = new TestData.TempDir();
        var clip = Clip(dir);
        var (code, _, error) = Run("annotate", clip, "--out", dir.File("whole"));
        Assert.True(code == 0, error);
        for (int k = 0; k < 3; k++)
        {
            (code, _, error) = Run("annotate", clip, "--out", dir.File("shards"), "--shard", $"{k}/3");
            Assert.True(code == 0, error);
        }
        var shardFiles = Enumerable.Range(0, 3).Select(k => dir.File($"shards/walk.shard-{k}-of-3.coco.json")).Reverse().ToArray(); // any order
        (code, var output, error) = Run(["merge", .. shardFiles, "--out", dir.File("merged")]);
        Assert.True(code == 0, error);
        Assert.Contains("merged 3 shards: 30 images", output);

        var whole = CocoReader.ReadGroundTruth(dir.File("whole/walk.coco.json"));
        var merged = CocoReader.ReadGroundTruth(dir.File("merged/walk.coco.json"));
        // The same frames as one run, in order, with the same names and media times.
        Assert.Equal(whole.Images.Select(i => (i.Id, i.FileName, i.FrameIndex, i.Timestamp)), merged.Images.Select(i => (i.Id, i.FileName, i.FrameIndex, i.Timestamp)));
        // Each shard's annotations, unchanged apart from ids renumbered 1..M.
        var fromShards = shardFiles.Reverse().SelectMany(f => CocoReader.ReadGroundTruth(f).Annotations).OrderBy(a => a.ImageId).ToList();
        Assert.Equal(Enumerable.Range(1, fromShards.Count).Select(i => (long)i), merged.Annotations.Select(a => a.Id));
        Assert.Equal(fromShards.Select(a => (a.ImageId, a.TrackId, string.Join(",", a.Keypoints))), merged.Annotations.Select(a => (a.ImageId, a.TrackId, string.Join(",", a.Keypoints))));
        Assert.Contains(merged.Annotations, a => a.TrackId >= 2_000_001); // the last shard's own track-id range
        // Results and journal cover every frame; the merged pair loads in the evaluator.
        var results = CocoReader.ReadResults(dir.File("merged/walk.results.json"), merged);
        Assert.Equal(merged.Annotations.Count, results.Count);
        var lines = File.ReadAllLines(dir.File("merged/walk.jsonl"));
        Assert.Equal(31, lines.Length);                                 // the settings line, then one line per frame
        var settings = PoseLive.Export.FrameJournal.ReadSettings(dir.File("merged/walk.jsonl"))!;
        Assert.Equal(("0/1", "0", "30"), (settings["shard"], settings["shard_first_frame"], settings["shard_frames"]));
        Assert.Equal(Enumerable.Range(0, 30).Select(i => (long)i), lines.Skip(1).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("frame").GetInt64()));
        Assert.Equal(1.0, new CocoKeypointEvaluator(merged).Evaluate(results).AP, 3);
    }

    [Fact]
    public void Incomplete_overlapping_or_foreign_shards_are_refused_and_nothing_is_written()
    {
        using var dir = new TestData.TempDir();
        var clip = Clip(dir);
        for (int k = 0; k < 2; k++) Assert.Equal(0, Run("annotate", clip, "--out", dir.Path, "--shard", $"{k}/3", "--max-frames", "3").Code);
        var s0 = dir.File("walk.shard-0-of-3.coco.json");
        var s1 = dir.File("walk.shard-1-of-3.coco.json");

        var (code, _, error) = Run("merge", s0, s1);
        Assert.Equal(PoseLiveCli.ExitFailure, code);
        Assert.Contains("missing shard 2", error);

        (code, _, error) = Run("merge", s0, s0, s1);
        Assert.Equal(PoseLiveCli.ExitFailure, code);
        Assert.Contains("shard 0 of 'walk' is given twice", error);

        File.Copy(dir.File("walk.shard-1-of-3.coco.json"), dir.File("walk.shard-2-of-3.coco.json"));
        File.Copy(dir.File("walk.shard-1-of-3.results.json"), dir.File("walk.shard-2-of-3.results.json"));
        File.Copy(dir.File("walk.shard-1-of-3.jsonl"), dir.File("walk.shard-2-of-3.jsonl"));
        (code, _, error) = Run("merge", s0, s1, dir.File("walk.shard-2-of-3.coco.json"));
        Assert.Equal(PoseLiveCli.ExitFailure, code);
        Assert.Contains("must not overlap", error);

        File.Delete(dir.File("walk.shard-2-of-3.coco.json"));
        Assert.Equal(1, Run("annotate", clip, "--out", dir.Path, "--shard", "2/3", "--max-frames", "3").Code); // its results and journal are there
        Assert.Equal(0, Run("annotate", clip, "--out", dir.Path, "--shard", "2/3", "--max-frames", "3", "--overwrite").Code);

        // every shard present, but each cut short at 3 of its 10 frames
        (code, _, error) = Run("merge", s0, s1, dir.File("walk.shard-2-of-3.coco.json"));
        Assert.Equal(PoseLiveCli.ExitFailure, code);
        Assert.Contains("walk.shard-0-of-3.coco.json: shard 0 covers 3 of its 10 frames (missing 3-9); it was cut short (--max-frames) or interrupted", error);
        Assert.False(File.Exists(dir.File("walk.coco.json")));
        // --allow-gaps merges them and says which frames no shard covered
        (code, var merged, error) = Run("merge", s0, s1, dir.File("walk.shard-2-of-3.coco.json"), "--allow-gaps", "--out", dir.File("gappy"));
        Assert.True(code == 0, error);
        Assert.Contains("frames not covered: 3-9, 13-19, 23-29", merged);
        Assert.Equal("3-9, 13-19, 23-29", PoseLive.Export.FrameJournal.ReadSettings(dir.File("gappy/walk.jsonl"))!["gaps"]);
        using (var coco = JsonDocument.Parse(File.ReadAllText(dir.File("gappy/walk.coco.json"))))
            Assert.Equal("3-9, 13-19, 23-29", coco.RootElement.GetProperty("info").GetProperty("gaps").GetString());
        File.AppendAllText(dir.File("walk.shard-2-of-3.jsonl"), "{\"frame\": 21, \"ti"); // a shard killed mid-line
        (code, _, error) = Run("merge", s0, s1, dir.File("walk.shard-2-of-3.coco.json"));
        Assert.Equal(PoseLiveCli.ExitFailure, code);
        Assert.Contains("walk.shard-2-of-3.jsonl:5", error);           // the settings line, 3 frames, then the torn line
        Assert.Contains("--resume", error);

        (code, _, error) = Run("merge", dir.File("walk.shard-2-of-3.jsonl"));
        Assert.Equal(PoseLiveCli.ExitFailure, code);
        Assert.Contains("not a shard dataset", error);
        Assert.False(File.Exists(dir.File("walk.coco.json")));
        Assert.False(File.Exists(dir.File("walk.results.json")));
        Assert.False(File.Exists(dir.File("walk.jsonl")));
    }
}
