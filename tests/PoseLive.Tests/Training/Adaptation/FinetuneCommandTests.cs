using System.Text.Json;
using PoseLive.Coco;
using PoseLive.Tests.TestSupport;
using PoseLive.Training.Adaptation;

namespace PoseLive.Tests.Training.Adaptation;

/// <summary>`poselive finetune --animal horse` end to end on rendered clips (tiny net, tiny input: the behaviour, not the accuracy), then `annotate --animal horse` with its model.</summary>
[Collection("gl")]
public class FinetuneCommandTests(FinetuneFixture data) : IClassFixture<FinetuneFixture>
{
    private string[] Args(string output, params string[] more) =>
    [
        "finetune", "--animal", "horse", "--footage", data.Videos, "--synthetic", data.Synthetic, "--net", "tiny", "--input", "32x32", "--synthetic-epochs", "1",
        "--epochs", "2", "--round-epochs", "1", "--batch", "8", "--threads", "2", "--models", data.Models, "--out", output, .. more,
    ];

    [Fact]
    public void Finetune_runs_data_parallel_from_rendering_the_synthetic_model_to_the_export()
    {
        using var dir = new TestData.TempDir();
        var models = dir.File("models");                         // its own: no cached synthetic model, so the ranks train one
        Directory.CreateDirectory(models);
        foreach (var file in new[] { "centernet.card.json", "centernet.onnx" }) File.CreateSymbolicLink(Path.Combine(models, file), Path.Combine(data.Models, file));
        var run = dir.File("run");
        var args = Args(run, "--export", "horse-ddp", "--nproc", "2").Select(a => a == data.Models ? models : a).ToList();
        int t = args.IndexOf("--threads");
        args.RemoveRange(t, 2);                                    // --nproc shares the cores out
        var (code, output, error) = CliRunner.Run([.. args]);
        Assert.True(code == 0, output + error);
        Assert.Contains("cached as horse-synth-tiny-32x32", output);           // trained by both ranks, exported by rank 0
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(output, @"\[2/4\] footage"));
        Assert.Contains("round 2 of 2", output);
        var rounds = CcsslAdapter.ReadRounds(Path.Combine(run, "rounds.jsonl"));
        Assert.Equal([0, 1], rounds.Select(r => r.Round));
        Assert.True(File.Exists(Path.Combine(run, "pseudo", "round-1.json")));
        Assert.Equal("quadruped18", PoseLive.Models.ModelCard.Load(Path.Combine(models, "horse-ddp.card.json")).KeypointSchema);
    }

    [Fact]
    public void Finetune_makes_a_served_horse_model_that_annotate_uses_and_an_interrupted_run_resumes()
    {
        using var dir = new TestData.TempDir();
        var run = dir.File("run");
        // interrupted after the first round: a checkpoint and the round's labels stay
        var (code, output, error) = CliRunner.Run(Args(run, "--export", "horse-e2e", "--stop-after-rounds", "1", "--warmup", "1000"));
        Assert.True(code == 1, output + error);
        Assert.Contains("resume with the same command and --resume", output);
        Assert.True(File.Exists(Path.Combine(run, "pseudo", "round-0.json")));
        Assert.False(File.Exists(Path.Combine(run, "pseudo", "round-1.json")));
        Assert.False(File.Exists(Path.Combine(data.Models, "horse-e2e.card.json")));
        // the synthetic model was trained once and cached with a card saying how
        var synthCard = PoseLive.Models.ModelCard.Load(Path.Combine(data.Models, "horse-synth-tiny-32x32.card.json"));
        Assert.Contains("synthetic horses", synthCard.Description);
        Assert.Equal("quadruped18", synthCard.KeypointSchema);

        (code, output, error) = CliRunner.Run(Args(run, "--export", "horse-e2e", "--resume", "--warmup", "1000"));
        Assert.True(code == 0, output + error);
        Assert.Contains("cached: horse-synth-tiny-32x32", output);
        Assert.DoesNotContain("[2/4] footage", output); // the footage found before is reused
        Assert.Contains("round 2 of 2", output);
        Assert.DoesNotContain("round 1 of 2", output); // round 1 finished before the interruption
        var rounds = CcsslAdapter.ReadRounds(Path.Combine(run, "rounds.jsonl"));
        Assert.Equal([0, 1], rounds.Select(r => r.Round));
        // each round kept the schedule's share of all keypoint confidences: 20 % at epoch 0, 22 % at epoch 1 (slope 0.02)
        Assert.Equal(Math.Round(0.20 * rounds[0].Keypoints, MidpointRounding.AwayFromZero), rounds[0].Kept);
        Assert.Equal(Math.Round(0.22 * rounds[1].Keypoints, MidpointRounding.AwayFromZero), rounds[1].Kept);
        // the warm-up runs over the adaptation's optimiser steps, not each round's: the rate keeps rising across the resumed round
        var rates = File.ReadLines(Path.Combine(run, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("lr").GetDouble()).ToArray();
        Assert.Equal(2, rates.Length);
        Assert.InRange(rates[0], 1e-9, 2.5e-4 * 0.5);
        Assert.InRange(rates[1], rates[0] * 1.2, 2.5e-4 * 0.5);
        var pseudo = CocoReader.ReadGroundTruth(Path.Combine(run, "pseudo", "round-1.json"));
        Assert.Equal(rounds[1].Kept, pseudo.Annotations.Sum(a => Enumerable.Range(0, 18).Count(j => a.Keypoints[3 * j + 2] == 2)));

        var card = PoseLive.Models.ModelCard.Load(Path.Combine(data.Models, "horse-e2e.card.json"));
        Assert.Equal("quadruped18", card.KeypointSchema);
        Assert.Equal(["horse"], card.Classes!);
        Assert.Contains("CC-SSL", card.Description);

        // annotate --animal horse picks that model, detects horses and writes the quadruped category
        var footage = FootageReport.Load(Path.Combine(run, "footage.json"));
        int clip = footage.Crops.GroupBy(c => c.Clip).OrderByDescending(g => g.Count()).First().Key;
        var video = footage.ClipFiles[clip].Files[0];
        var annotated = dir.File("annotated");
        (code, output, error) = CliRunner.Run("annotate", video, "--animal", "horse", "--models", data.Models, "--out", annotated, "--render", dir.File("annotated/clip.mp4"));
        Assert.True(code == 0, output + error);
        var name = Path.GetFileNameWithoutExtension(video);
        var coco = CocoReader.ReadGroundTruth(Path.Combine(annotated, name + ".coco.json"));
        Assert.Equal("horse", Assert.Single(coco.Categories).Name);
        Assert.Equal(18, coco.Categories[0].Keypoints.Length);
        Assert.NotEmpty(coco.Annotations);
        Assert.True(new FileInfo(dir.File("annotated/clip.mp4")).Length > 0);
        // its results score against the clip's labels (eval runs; the tiny model's accuracy is not the point here)
        (code, output, error) = CliRunner.Run("eval", "--gt", Path.Combine(Path.GetDirectoryName(video)!, name + ".coco.json"), "--dt", Path.Combine(annotated, name + ".results.json"), "--pck", "0.1");
        Assert.True(code == 0, output + error);
        Assert.Contains("PCK@0.1", output);
    }

    [Fact]
    public void The_box_check_drops_keypoints_outside_their_detected_box_before_the_share_is_kept()
    {
        using var dir = new TestData.TempDir();
        var run = dir.File("run");
        var (code, output, error) = CliRunner.Run(Args(run, "--box-margin", "0", "--stop-after-rounds", "1"));
        Assert.True(code == 1, output + error);                   // stopped after round 1, resumable
        Assert.Contains("box check (0)", output);
        var round = Assert.Single(CcsslAdapter.ReadRounds(Path.Combine(run, "rounds.jsonl")));
        var pseudo = CocoReader.ReadGroundTruth(Path.Combine(run, "pseudo", "round-0.json"));
        // every predicted keypoint is in the file; those outside their detected box (bbox) are never kept, and are counted
        bool Inside(CocoAnnotation a, int j) => a.Keypoints[3 * j] >= a.Box.X && a.Keypoints[3 * j] <= a.Box.Right && a.Keypoints[3 * j + 1] >= a.Box.Y && a.Keypoints[3 * j + 1] <= a.Box.Bottom;
        bool Predicted(CocoAnnotation a, int j) => a.Keypoints[3 * j] != 0 || a.Keypoints[3 * j + 1] != 0;   // an unpredicted keypoint is written as 0, 0
        int predicted = pseudo.Annotations.Sum(a => Enumerable.Range(0, 18).Count(j => Predicted(a, j)));
        int outside = pseudo.Annotations.Sum(a => Enumerable.Range(0, 18).Count(j => Predicted(a, j) && !Inside(a, j)));
        Assert.True(outside > 0, "the barely trained net should put some keypoints outside the box");
        Assert.Equal(outside, round.OutsideBox);
        Assert.Equal(predicted - outside, round.Keypoints);
        Assert.All(pseudo.Annotations, a => Assert.All(Enumerable.Range(0, 18).Where(j => a.Keypoints[3 * j + 2] == 2), j => Assert.True(Inside(a, j))));
        // 20 % of the in-box keypoints is kept, and they are the most confident of them
        Assert.Equal((int)Math.Round(0.2 * round.Keypoints, MidpointRounding.AwayFromZero), round.Kept);
        var inBox = pseudo.Annotations.SelectMany(a => Enumerable.Range(0, 18).Where(j => Predicted(a, j) && Inside(a, j)).Select(j => (Kept: a.Keypoints[3 * j + 2] == 2, Score: a.KeypointScores![j]))).ToList();
        Assert.True(inBox.Where(p => p.Kept).Min(p => p.Score) >= inBox.Where(p => !p.Kept).Max(p => p.Score));
    }

    [Fact]
    public void A_corrupt_video_among_the_footage_is_skipped_and_named()
    {
        using var dir = new TestData.TempDir();
        var footage = dir.File("footage");
        Directory.CreateDirectory(footage);
        foreach (var f in Directory.GetFiles(data.Videos, "*.mp4")) File.Copy(f, Path.Combine(footage, Path.GetFileName(f)));
        File.WriteAllText(Path.Combine(footage, "broken.mp4"), "not a video");
        var args = Args(dir.File("run"), "--export", "horse-corrupt");
        args[Array.IndexOf(args, data.Videos)] = footage;
        var (code, output, error) = CliRunner.Run(args);
        Assert.True(code == 0, output + error);
        Assert.Contains("skipped", output);
        Assert.Contains("broken.mp4", output);
        Assert.True(File.Exists(Path.Combine(data.Models, "horse-corrupt.onnx")));
    }

    [Fact]
    public void Footage_without_horses_is_an_error_naming_the_file_and_the_frames_searched()
    {
        using var dir = new TestData.TempDir();
        var vtest = MediaFiles.Sample("vtest.avi"); // people walking: no horse
        var args = Args(dir.File("run"), "--frame-step", "40");
        args[Array.IndexOf(args, data.Videos)] = vtest;
        var (code, output, error) = CliRunner.Run(args);
        Assert.Equal(1, code);
        Assert.Matches(@"no animal found in \d+ frames of .*vtest\.avi", error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public void A_footage_folder_without_videos_or_images_and_an_unknown_animal_are_refused_before_any_work()
    {
        using var dir = new TestData.TempDir();
        var empty = dir.File("empty");
        Directory.CreateDirectory(empty);
        File.WriteAllText(Path.Combine(empty, "notes.txt"), "no footage here");
        var args = Args(dir.File("run"));
        args[Array.IndexOf(args, data.Videos)] = empty;
        var (code, output, error) = CliRunner.Run(args);
        Assert.Equal(1, code);
        Assert.Contains($"{empty}: a folder with no videos or images in it", error);
        Assert.DoesNotContain("[2/4]", output);

        args = Args(dir.File("run"));
        args[Array.IndexOf(args, "horse")] = "zebra";
        (code, _, error) = CliRunner.Run(args);
        Assert.Equal(2, code);
        Assert.Contains("--animal zebra", error);
        Assert.False(Directory.Exists(dir.File("run")));
    }
}
