using System.CommandLine;
using System.Globalization;
using PoseLive.Rendering;
using PoseLive.Synthetic;

namespace PoseLive.Cli.Commands;

/// <summary>`poselive synth`: render a labelled synthetic animal dataset (images + COCO keypoint JSON) with PoseLive's own GL.</summary>
internal static class SynthCommand
{
    public static Command Create()
    {
        var d = new SynthOptions();
        var animal = new Option<string>("--animal") { Description = "Animal to render (horse).", DefaultValueFactory = _ => "horse" };
        var count = new Option<int>("--count", "-n") { Description = "Still images to make (without --clips).", DefaultValueFactory = _ => d.Count };
        var size = new Option<string>("--size") { Description = "Image size WIDTHxHEIGHT.", DefaultValueFactory = _ => $"{d.Width}x{d.Height}" };
        var style = new Option<string>("--style") { Description = "basic (hard light, procedural coats, plain scenery) or photo (real-image scenery and coats, shadows, soft light, blur, noise, JPEG artefacts).", DefaultValueFactory = _ => "basic" };
        var shapes = new Option<string>("--shapes") { Description = "Shape distribution: mixed (pony to draft), riding (light breeds) or stocky (ponies and drafts).", DefaultValueFactory = _ => "mixed" };
        var gaits = new Option<string>("--gaits") { Description = "Comma-separated gaits to draw from: stand, walk, trot, canter, gallop, graze, turn (default: all)." };
        var clips = new Option<int>("--clips") { Description = "Make K continuous clips instead of stills (one animal per clip, gait phase advancing).", DefaultValueFactory = _ => 0 };
        var clipSeconds = new Option<double>("--clip-seconds") { Description = "Length of each clip.", DefaultValueFactory = _ => d.ClipSeconds };
        var fps = new Option<double>("--fps") { Description = "Frames per second of clips.", DefaultValueFactory = _ => d.Fps };
        var backgrounds = new Option<string?>("--backgrounds") { Description = "Folder of real images and videos for photo-style scenery and coats (default: media/)." };
        var seed = new Option<ulong>("--seed") { Description = "Seed: the same seed and settings give byte-identical files.", DefaultValueFactory = _ => d.Seed };
        var fov = new Option<double>("--fov") { Description = "Horizontal field of view in degrees (CC-SSL: 90).", DefaultValueFactory = _ => d.FieldOfView };
        var minVisible = new Option<int>("--min-visible") { Description = "Keep a still only if at least this many of the 18 keypoints are visible.", DefaultValueFactory = _ => d.MinVisible };
        var perAnimal = new Option<int>("--images-per-animal") { Description = "Consecutive stills sharing one animal (shape and mesh).", DefaultValueFactory = _ => d.ImagesPerAnimal };
        var masks = new Option<bool>("--masks") { Description = "Also write each image's silhouette mask (masks/NAME.png)." };
        var format = new Option<string>("--format") { Description = "Image format: jpg or png.", DefaultValueFactory = _ => d.Format };
        var output = new Option<string>("--out") { Description = "Output folder (images/, annotations.json, labels.jsonl, contact.png).", Required = true };
        var videos = new Option<bool>("--videos") { Description = "With --clips: also write each clip as videos/clipNNNN.mp4 with its labels as videos/clipNNNN.coco.json (keyed like `poselive annotate` output)." };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace a dataset made with other settings in --out (the same settings resume instead)." };
        var command = new Command("synth", "Render a labelled synthetic animal dataset: a procedural horse, skinned and animated, drawn headless with OpenGL; COCO keypoint JSON (quadruped18) with exact labels.")
        {
            animal, count, size, style, shapes, gaits, clips, clipSeconds, fps, backgrounds, seed, fov, minVisible, perAnimal, masks, format, output, overwrite, videos,
        };
        command.SetAction(async (parse, cancel) =>
        {
            await Task.Yield();
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            var options = Options(parse, animal, count, size, style, shapes, gaits, clips, clipSeconds, fps, backgrounds, seed, fov, minVisible, perAnimal, format) with { Masks = parse.GetValue(masks) };
            string outDir = parse.GetRequiredValue(output);
            if (OutputPaths.WhyNotWritableDirectory(outDir) is string why) throw new UsageException($"--out: {why}");
            if (parse.GetValue(videos) && options.Clips == 0) throw new UsageException("--videos needs --clips");
            stdout.WriteLine(string.Format(CultureInfo.InvariantCulture, "synth: {0} {1} {2}, {3}x{4}, {5} style, {6} shapes, seed {7} → {8}",
                options.Total, options.Clips > 0 ? $"frames in {options.Clips} clips of" : "images of", "horses", options.Width, options.Height,
                options.Style.ToString().ToLowerInvariant(), options.Shapes.ToString().ToLowerInvariant(), options.Seed, outDir));
            var generator = new SynthGenerator(options, outDir, parse.GetValue(overwrite));
            var last = DateTime.MinValue;
            SynthResult result;
            try
            {
                result = generator.Run(p =>
                {
                    if ((DateTime.UtcNow - last).TotalSeconds < 2 && p.Done < p.Total) return;
                    last = DateTime.UtcNow;
                    double eta = p.ImagesPerSecond > 0 ? (p.Total - p.Done) / p.ImagesPerSecond : 0;
                    stderr.WriteLine(string.Format(CultureInfo.InvariantCulture, "  {0}/{1} images, {2:F1} images/s, {3:F0} s left", p.Done, p.Total, p.ImagesPerSecond, eta));
                }, stdout, cancel);
            }
            catch (SynthException e)
            {
                stderr.WriteLine($"poselive: error: {e.Message}");
                return PoseLiveCli.ExitFailure;
            }
            catch (RenderingException e)
            {
                stderr.WriteLine($"poselive: error: synth needs a GL device to render: {e.Message}");
                return PoseLiveCli.ExitFailure;
            }
            var sheet = Path.Combine(outDir, "contact.png");
            SynthContactSheet.Write(sheet, outDir, SynthGenerator.Dataset(ReadJournal(outDir)), 16);
            stdout.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0}: {1} images ({2} labelled{3}) in {4:F1} s, {5:F1} images/s ({6})",
                result.Annotations, result.Images, result.Annotated, result.Resumed > 0 ? $", {result.Resumed} from the earlier run" : "", result.Seconds, result.ImagesPerSecond, result.Renderer));
            stdout.WriteLine($"contact sheet: {sheet}");
            if (parse.GetValue(videos) && result.Images >= options.Total)
            {
                var written = SynthClipVideos.Write(outDir, options.Fps);
                stdout.WriteLine($"videos: {written.Count} clips in {Path.Combine(outDir, SynthClipVideos.Folder)} (each with its labels as .coco.json)");
            }
            if (cancel.IsCancellationRequested && result.Images < options.Total)
            {
                stdout.WriteLine($"stopped at {result.Images} of {options.Total}: run the same command again to continue.");
                return PoseLiveCli.ExitFailure;
            }
            return PoseLiveCli.ExitOk;
        });
        return command;
    }

    private static List<SynthRecord> ReadJournal(string outDir) =>
        File.ReadLines(Path.Combine(outDir, SynthGenerator.JournalName)).Skip(1).Select(SynthRecord.Parse).OfType<SynthRecord>().ToList();

    private static SynthOptions Options(ParseResult parse, Option<string> animal, Option<int> count, Option<string> size, Option<string> style, Option<string> shapes,
        Option<string> gaits, Option<int> clips, Option<double> clipSeconds, Option<double> fps, Option<string?> backgrounds, Option<ulong> seed, Option<double> fov,
        Option<int> minVisible, Option<int> perAnimal, Option<string> format)
    {
        var sizeText = parse.GetRequiredValue(size);
        var parts = sizeText.ToLowerInvariant().Split('x');
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int w) || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int h))
            throw new UsageException($"--size '{sizeText}' must be WIDTHxHEIGHT, e.g. 640x480");
        var o = new SynthOptions
        {
            Animal = parse.GetRequiredValue(animal),
            Count = parse.GetValue(count),
            Width = w,
            Height = h,
            Style = Parse<SynthStyle>(parse.GetRequiredValue(style), "--style", "basic, photo"),
            Shapes = Parse<ShapeDistribution>(parse.GetRequiredValue(shapes), "--shapes", "mixed, riding, stocky"),
            Gaits = parse.GetValue(gaits) is string g
                ? g.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(x => Parse<Gait>(x, "--gaits", "stand, walk, trot, canter, gallop, graze, turn")).Distinct().ToArray()
                : Enum.GetValues<Gait>(),
            Clips = parse.GetValue(clips),
            ClipSeconds = parse.GetValue(clipSeconds),
            Fps = parse.GetValue(fps),
            Backgrounds = parse.GetValue(backgrounds),
            Seed = parse.GetValue(seed),
            FieldOfView = parse.GetValue(fov),
            MinVisible = parse.GetValue(minVisible),
            ImagesPerAnimal = parse.GetValue(perAnimal),
            Format = parse.GetRequiredValue(format).ToLowerInvariant().Replace("jpeg", "jpg"),
        };
        try { return o.Validate(); }
        catch (SynthException e) { throw new UsageException(e.Message); }
    }

    private static T Parse<T>(string text, string option, string known) where T : struct, Enum =>
        Enum.TryParse<T>(text, ignoreCase: true, out var v) && Enum.IsDefined(v) && !int.TryParse(text, out _) ? v
            : throw new UsageException($"{option} '{text}' is not known (use {known})");
}
