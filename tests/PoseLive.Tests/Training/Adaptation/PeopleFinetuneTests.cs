using PoseLive.Coco;
using PoseLive.Models;
using PoseLive.Onnx;
using PoseLive.Tests.TestSupport;
using PoseLive.Training.Adaptation;

namespace PoseLive.Tests.Training.Adaptation;

/// <summary>
/// `poselive finetune --footage … --model movenet-lightning` end to end on the first second of vtest.avi: Thunder's
/// checked pseudo-labels, the served Lightning graph fine-tuned (interrupted, resumed), exported as the same graph with
/// new weights, and served by annotate; plus the bad inputs. The accuracy run is the README's documented command.
/// </summary>
[Collection("libtorch")]
public class PeopleFinetuneTests
{
    /// <summary>A models folder holding links to the served detector and MoveNets (exports land here, not in models/).</summary>
    private static string Models(TestData.TempDir dir)
    {
        var models = dir.File("models");
        Directory.CreateDirectory(models);
        var served = ModelZoo.DefaultDirectory();
        foreach (var name in new[] { "centernet", "movenet-lightning", "movenet-thunder" })
            foreach (var file in new[] { name + ".onnx", name + ".card.json" })
                File.CreateSymbolicLink(Path.Combine(models, file), Path.Combine(served, file));
        return models;
    }

    private static string Clip(TestData.TempDir dir, int frames)
    {
        var clip = dir.File("vtest-start.mp4");
        MediaFiles.Tool("ffmpeg", "-v", "error", "-i", MediaFiles.Sample("vtest.avi"), "-frames:v", frames.ToString(), "-c:v", "libx264", "-pix_fmt", "yuv420p", "-y", clip);
        return clip;
    }

    [Fact]
    public void Finetune_trains_the_served_graph_on_checked_teacher_labels_resumes_and_annotate_serves_it()
    {
        using var dir = new TestData.TempDir();
        var models = Models(dir);
        var clip = Clip(dir, 30);
        var run = dir.File("run");
        string[] args = ["finetune", "--footage", clip, "--model", "movenet-lightning", "--epochs", "2", "--batch", "16", "--threads", "2", "--models", models,
            "--out", run, "--export", "lightning-e2e"];

        var (code, output, error) = CliRunner.Run([.. args, "--stop-after-epochs", "1"]);
        Assert.True(code == 1, output + error);
        Assert.Contains("resume with the same command and --resume", output);
        Assert.Contains("[2/4] pseudo-labels from movenet-thunder", output);
        Assert.False(File.Exists(Path.Combine(models, "lightning-e2e.card.json")));

        // the later 20 % of the clip's frames are held out, labelled by the teacher's confident keypoints; the rest trains
        var train = CocoReader.ReadGroundTruth(Path.Combine(run, "pseudo", "train.json"));
        var held = CocoReader.ReadGroundTruth(Path.Combine(run, "pseudo", "val.json"));
        Assert.All(train.Images, i => Assert.True(i.FrameIndex < 24, $"training frame {i.FrameIndex}"));
        Assert.All(held.Images, i => Assert.True(i.FrameIndex >= 24, $"held-out frame {i.FrameIndex}"));
        Assert.Equal(6, held.Images.Count);
        Assert.All(train.Images, i => Assert.EndsWith($".mp4#{i.FrameIndex}", i.FileName));
        Assert.All(train.Annotations, a => Assert.NotNull(a.TrackId));
        // kept keypoints are confident ones, and the checks dropped some confident ones
        int kept = 0, confidentDropped = 0;
        foreach (var a in train.Annotations)
            for (int j = 0; j < 17; j++)
            {
                if (a.Keypoints[3 * j + 2] == 2) { kept++; Assert.True(a.KeypointScores![j] >= 0.3f); }
                else if (a.KeypointScores![j] >= 0.3f) confidentDropped++;
            }
        Assert.True(kept > 500 && confidentDropped > 0, $"kept {kept}, confident but inconsistent {confidentDropped}");

        (code, output, error) = CliRunner.Run([.. args, "--resume"]);
        Assert.True(code == 0, output + error);
        Assert.DoesNotContain("[1/4] footage", output);
        Assert.DoesNotContain("epoch 1/2", output); // epoch 1 finished before the interruption
        Assert.Contains("epoch 2/2", output);
        Assert.Matches(@"held-out AP against movenet-thunder's labels \d\.\d{4} → \d\.\d{4}", output);

        // the export is the original graph (same nodes) with other weights, a card with provenance, and its hash
        var card = ModelCard.Load(Path.Combine(models, "lightning-e2e.card.json"));
        Assert.Equal("movenet", card.Decoder);
        Assert.Equal("coco17", card.KeypointSchema);
        Assert.Equal("movenet-lightning", card.Training!.Net);
        var exported = Path.Combine(models, card.File);
        Assert.Equal(card.Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(exported))));
        var original = OnnxReader.ReadFile(Path.Combine(models, "movenet-lightning.onnx")).Graph!;
        var tuned = OnnxReader.ReadFile(exported).Graph!;
        Assert.Equal(original.Node.Select(n => n.OpType + string.Join(",", n.Input)), tuned.Node.Select(n => n.OpType + string.Join(",", n.Input)));
        Assert.Contains(original.Initializer.Zip(tuned.Initializer), p => !p.First.RawData.Span.SequenceEqual(p.Second.RawData.Span));

        // annotate serves it
        var annotated = dir.File("annotated");
        (code, output, error) = CliRunner.Run("annotate", clip, "--model", "lightning-e2e", "--models", models, "--out", annotated);
        Assert.True(code == 0, output + error);
        var coco = CocoReader.ReadGroundTruth(Directory.GetFiles(annotated, "*.coco.json").Single());
        Assert.True(coco.Annotations.Count(a => a.NumKeypoints >= 10) > 60, $"{coco.Annotations.Count} people annotated");
    }

    [Fact]
    public void Finetune_runs_data_parallel_with_rank_0_labelling_and_writing()
    {
        using var dir = new TestData.TempDir();
        var models = Models(dir);
        var clip = Clip(dir, 30);
        string[] Args(string run, string export) =>
            ["finetune", "--footage", clip, "--model", "movenet-lightning", "--epochs", "1", "--batch", "16", "--models", models, "--out", run, "--export", export];
        var (code, output, error) = CliRunner.Run([.. Args(dir.File("one"), "ft-one"), "--threads", "1"]);
        Assert.True(code == 0, output + error);
        var (ranks, parallelOutput, parallelError) = CliRunner.Run([.. Args(dir.File("two"), "ft-two"), "--nproc", "2"]);
        Assert.True(ranks == 0, parallelOutput + parallelError);
        Assert.Contains("[2/4] pseudo-labels from movenet-thunder", parallelOutput);             // rank 0 labelled, once
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(parallelOutput, @"\[4/4\] export"));
        Assert.True(File.Exists(Path.Combine(models, "ft-two.card.json")));
        // the same labels, and the same first epoch up to the rounding Adam magnifies (its first step is ±lr per weight)
        Assert.Equal(File.ReadAllBytes(dir.File("one/pseudo/train.json")), File.ReadAllBytes(dir.File("two/pseudo/train.json")));
        static double Loss(string text) => double.Parse(System.Text.RegularExpressions.Regex.Match(text, @"epoch 1/1: loss ([0-9.]+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        double single = Loss(output), data = Loss(parallelOutput);
        Assert.True(Math.Abs(single - data) <= 1e-2 * single, $"epoch loss {single} alone, {data} on two ranks");
    }

    [Fact]
    public void Footage_without_people_fails_naming_the_file_and_the_frames_searched()
    {
        using var dir = new TestData.TempDir();
        var models = Models(dir);
        var empty = dir.File("empty.mp4");
        MediaFiles.Tool("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=c=gray:s=320x240:d=0.4:r=25", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-y", empty);
        var (code, _, error) = CliRunner.Run("finetune", "--footage", empty, "--models", models, "--out", dir.File("run"));
        Assert.Equal(1, code);
        Assert.Contains($"no person found in 10 frames of {empty}", error);
    }

    [Fact]
    public void A_model_whose_graph_has_an_unsupported_op_fails_naming_op_and_node()
    {
        using var dir = new TestData.TempDir();
        var models = Models(dir);
        // a copy of Lightning's card over a graph with an op the trainable module does not run
        var b = new OnnxGraphBuilder("odd");
        var x = b.Input("image", OnnxDataType.Int32, "batch", 192, 192, 3);
        b.NodeNamed("Einsum", [b.Node("Cast", [x], AttributeProto.Int("to", 1))], ["heatmaps"], null, AttributeProto.String("equation", "bhwc->bchw"));
        b.OutputOfUnknownShape("heatmaps", OnnxDataType.Float);
        File.WriteAllBytes(Path.Combine(models, "odd.onnx"), b.Build().ToByteArray());
        var card = ModelCard.Load(Path.Combine(models, "movenet-lightning.card.json")) with { Name = "odd", File = "odd.onnx", Sha256 = null };
        File.WriteAllText(Path.Combine(models, "odd.card.json"), card.ToJson());
        var clip = Clip(dir, 10);
        var (code, _, error) = CliRunner.Run("finetune", "--footage", clip, "--model", "odd", "--teacher", "movenet-thunder", "--epochs", "1", "--models", models, "--out", dir.File("run"));
        Assert.Equal(1, code);
        Assert.Contains("odd.onnx: unsupported op Einsum (Einsum node 'Einsum_1')", error);
    }

    [Fact]
    public void An_output_that_cannot_be_written_fails_before_any_work()
    {
        using var dir = new TestData.TempDir();
        var models = Models(dir);
        var blocker = dir.File("a-file");
        File.WriteAllText(blocker, "not a folder");
        var (code, output, error) = CliRunner.Run("finetune", "--footage", MediaFiles.Sample("vtest.avi"), "--models", models, "--out", Path.Combine(blocker, "run"));
        Assert.Equal(1, code);
        Assert.Contains($"{Path.Combine(blocker, "run")}: cannot write the run folder there", error);
        Assert.DoesNotContain("[1/4]", output);
    }
}
