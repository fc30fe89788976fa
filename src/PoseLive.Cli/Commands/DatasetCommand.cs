using System.CommandLine;
using PoseLive.Pose.Codecs;
using PoseLive.Training.Data;
using PoseLive.Training.Nets;
using PoseLive.Training.Runs;

namespace PoseLive.Cli.Commands;

/// <summary>`poselive dataset draw|info`: look at a keypoint dataset the way the trainer will see it.</summary>
internal static class DatasetCommand
{
    public static Command Create()
    {
        var data = new Argument<string>("DATASET") { Description = "COCO keypoint JSON (or an annotate NAME.coco.json)." };
        var images = new Option<string?>("--images") { Description = "Image (or video) root (default: the JSON's folder)." };
        var output = new Option<string>("--out") { Description = "PNG contact sheet to write.", DefaultValueFactory = _ => "samples.png" };
        var count = new Option<int>("--count") { Description = "Samples to draw.", DefaultValueFactory = _ => 16 };
        var augment = new Option<string>("--augment") { Description = "Augmentation preset: standard, ccssl, none.", DefaultValueFactory = _ => "standard" };
        augment.AcceptOnlyFromAmong([.. AugmentationOptions.Presets]);
        var input = new Option<string>("--input") { Description = "Network input HxW.", DefaultValueFactory = _ => "256x192" };
        var codec = new Option<string>("--codec") { Description = "Heatmap codec of the targets: msra, dark, udp, soft-argmax.", DefaultValueFactory = _ => "msra" };
        codec.AcceptOnlyFromAmong("msra", "dark", "udp", "soft-argmax");
        var net = new Option<string>("--net") { Description = "Net whose input normalisation to use.", DefaultValueFactory = _ => "lpn50" };
        net.AcceptOnlyFromAmong([.. PoseNets.Names]);
        var seed = new Option<ulong>("--seed") { Description = "Seed (as `train --seed`).", DefaultValueFactory = _ => 0 };
        var epoch = new Option<int>("--epoch") { Description = "Epoch whose samples to draw (1-based).", DefaultValueFactory = _ => 1 };
        var draw = new Command("draw", "Contact sheet of augmented samples with their keypoints and target heatmaps (MMPose's browse_dataset).")
        {
            data, images, output, count, augment, input, codec, net, seed, epoch,
        };
        draw.SetAction((parse, _) =>
        {
            if (parse.GetValue(count) < 1) throw new ArgumentException("--count must be at least 1");
            if (parse.GetValue(epoch) < 1) throw new ArgumentException("--epoch must be at least 1");
            var (h, w) = TrainCommand.ParseSize(parse.GetRequiredValue(input));
            var dataset = KeypointDataset.Load(parse.GetRequiredValue(data), parse.GetValue(images));
            var c = KeypointCodecs.Create(parse.GetRequiredValue(codec), w, h, w / 4, h / 4, TrainingOptions.DefaultSigma(h));
            var sampler = new TopDownSampler(dataset.Schema, c, PoseNets.Normalization(parse.GetRequiredValue(net)), AugmentationOptions.ByName(parse.GetRequiredValue(augment)), parse.GetValue(seed));
            using var store = new ImageStore();
            var path = parse.GetRequiredValue(output);
            ContactSheet.Write(path, dataset, sampler, store, parse.GetValue(count), parse.GetValue(epoch) - 1);
            parse.InvocationConfiguration.Output.WriteLine($"{path}: {Math.Min(parse.GetValue(count), dataset.Instances.Count)} samples of {dataset.Instances.Count} ({dataset.Schema.Name}, {parse.GetRequiredValue(augment)} augmentation)");
            return Task.FromResult(PoseLiveCli.ExitOk);
        });
        var infoData = new Argument<string>("DATASET") { Description = "COCO keypoint JSON." };
        var infoImages = new Option<string?>("--images") { Description = "Image (or video) root." };
        var info = new Command("info", "Images, instances used for training, schema and missing files of a keypoint dataset.") { infoData, infoImages };
        info.SetAction((parse, _) =>
        {
            var d = KeypointDataset.Load(parse.GetRequiredValue(infoData), parse.GetValue(infoImages));
            var o = parse.InvocationConfiguration.Output;
            o.WriteLine($"{d.Name}: {d.GroundTruth.Images.Count} images ({(d.IsVideo ? "video frames" : "stills")}), {d.GroundTruth.Annotations.Count} annotations, {d.Instances.Count} trainable instances (crowd and unlabelled skipped), schema {d.Schema.Name}{(d.MissingImages > 0 ? $", {d.MissingImages} missing images skipped" : "")}");
            return Task.FromResult(PoseLiveCli.ExitOk);
        });
        return new Command("dataset", "Inspect keypoint datasets (contact sheets of augmented samples, counts).") { draw, info };
    }
}
