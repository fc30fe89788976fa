using System.Buffers;
using System.Text.Json;
using System.Threading.Channels;
using PoseLive.Coco;
using PoseLive.Interop.OpenCv;
using PoseLive.IO;
using PoseLive.Pose;

namespace PoseLive.Synthetic;

/// <summary>Progress of a synth run: images finished (this run's and earlier runs'), the total, images per second this run.</summary>
public readonly record struct SynthProgress(int Done, int Total, int Resumed, double ImagesPerSecond);

/// <summary>What a synth run made.</summary>
public sealed record SynthResult(string Annotations, int Images, int Annotated, int Resumed, double Seconds, double ImagesPerSecond, string Renderer);

/// <summary>
/// Makes a synthetic dataset: for each image index, an animal (a mesh per shape, shared by consecutive images or by a
/// clip), a sampled scene rendered by <see cref="SynthRenderer"/>, labels from the exact camera and the depth buffer
/// (<see cref="SynthLabels"/>; stills are re-aimed until enough keypoints are visible), post effects, then the image file
/// (written atomically) and one journal line (labels.jsonl, flushed). The GL thread renders while a writer task encodes
/// and writes. annotations.json (COCO, quadruped18 "horse") is rewritten atomically every
/// <see cref="CheckpointEvery"/> images and at the end from the journal, so it never names an image that is not on disk;
/// a run stopped or killed resumes where its journal ends when started again with the same settings.
/// </summary>
public sealed class SynthGenerator(SynthOptions options, string outputDirectory, bool overwrite = false, string? shaderDirectory = null)
{
    public const int CheckpointEvery = 500;
    public const int MaxAttempts = 25;
    public const string JournalName = "labels.jsonl", AnnotationsName = "annotations.json", ImagesFolder = "images", MasksFolder = "masks";

    public string Output { get; } = outputDirectory;

    public SynthResult Run(Action<SynthProgress>? progress = null, TextWriter? log = null, CancellationToken cancel = default)
    {
        options.Validate();
        var backgrounds = LoadBackgrounds(log);
        using var renderer = new SynthRenderer(options.Width, options.Height, shaderDirectory);   // no GL device: fails before anything is written
        var settings = Settings(backgrounds);
        Directory.CreateDirectory(Path.Combine(Output, ImagesFolder));
        if (options.Masks) Directory.CreateDirectory(Path.Combine(Output, MasksFolder));
        var journalPath = Path.Combine(Output, JournalName);
        var records = Resume(journalPath, settings, log);
        int resumed = records.Count, total = options.Total;
        var started = DateTime.UtcNow;
        if (resumed < total)
        {
            using var journal = new StreamWriter(new FileStream(journalPath, resumed == 0 ? FileMode.Create : FileMode.Append, FileAccess.Write, FileShare.Read));
            if (resumed == 0) { journal.WriteLine(settings); journal.Flush(); }
            Generate(renderer, records, journal, backgrounds, started, progress, cancel);
        }
        WriteAnnotations(records);
        double seconds = (DateTime.UtcNow - started).TotalSeconds;
        int made = records.Count - resumed;
        return new SynthResult(Path.Combine(Output, AnnotationsName), records.Count, records.Count(r => r.Keypoints is not null), resumed, seconds,
            seconds > 0 ? made / seconds : 0, renderer.Renderer);
    }

    private SynthBackgrounds? LoadBackgrounds(TextWriter? log)
    {
        var folder = options.Backgrounds ?? SynthBackgrounds.DefaultFolder();
        if (options.Backgrounds is null && options.Style == SynthStyle.Basic) return null;
        if (folder is null) throw new SynthException("--style photo needs real images: no media/ folder found (scripts/setup.sh fetches it), and no --backgrounds DIR given");
        var loaded = SynthBackgrounds.Load(folder);
        if (options.Style == SynthStyle.Basic) log?.WriteLine($"note: --style basic draws plain scenery; the {loaded.Images.Count} images of {folder} are used by --style photo");
        return loaded;
    }

    private string Settings(SynthBackgrounds? backgrounds)
    {
        var o = options with { Backgrounds = backgrounds?.Folder is { } f ? Path.GetFullPath(f) : null };
        var payload = new Dictionary<string, object?>
        {
            ["options"] = o,
            ["backgrounds"] = backgrounds?.Images.Select(i => $"{Path.GetFileName(i.Source)} {i.Width}x{i.Height}").ToArray(),
            ["generator"] = "poselive synth 1",
        };
        return JsonSerializer.Serialize(new Dictionary<string, object?> { ["settings"] = payload }, s_settingsJson);
    }

    private static readonly JsonSerializerOptions s_settingsJson = new() { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    // the finished images of an earlier run with the same settings, in index order, whose files exist
    private List<SynthRecord> Resume(string journalPath, string settings, TextWriter? log)
    {
        var records = new List<SynthRecord>();
        if (!File.Exists(journalPath))
        {
            if (File.Exists(Path.Combine(Output, AnnotationsName)) && !overwrite)
                throw new SynthException($"{Output}: already holds {AnnotationsName} from another run (use --overwrite or another --out)");
            if (overwrite) DeleteOwnImages();
            return records;
        }
        var lines = File.ReadAllLines(journalPath);
        if (lines.Length == 0 || lines[0] != settings)
        {
            if (!overwrite)
                throw new SynthException($"{journalPath}: an earlier run with other settings (use the same settings to resume it, --overwrite to replace it, or another --out)");
            File.Delete(journalPath);
            DeleteOwnImages();
            return records;
        }
        for (int i = 1; i < lines.Length; i++)
        {
            var r = SynthRecord.Parse(lines[i]);
            if (r is null || r.Index != records.Count || !File.Exists(Path.Combine(Output, r.FileName))) break; // a cut last line, or a file lost
            records.Add(r);
        }
        // keep exactly the records resumed from, so the journal continues cleanly
        AtomicFile.WriteAllBytes(journalPath, System.Text.Encoding.UTF8.GetBytes(string.Join('\n', [settings, .. records.Select(r => r.ToJson())]) + "\n"));
        if (records.Count > 0) log?.WriteLine($"resuming: {records.Count} of {options.Total} images already made in {Output}");
        return records;
    }

    // the image and mask files a synth run names (NNNNNN.ext, clipNNNN_NNNNN.ext) — nothing else in the folders is touched
    private void DeleteOwnImages()
    {
        foreach (var folder in new[] { ImagesFolder, MasksFolder })
        {
            var dir = Path.Combine(Output, folder);
            if (!Directory.Exists(dir)) continue;
            foreach (var f in Directory.GetFiles(dir))
                if (System.Text.RegularExpressions.Regex.IsMatch(Path.GetFileName(f), @"^(\d{6}|clip\d{4}_\d{5})\.(jpg|png)$")) File.Delete(f);
        }
    }

    private sealed record Rendered(long Index, byte[] Rgb, byte[]? Mask, SynthSample Sample, SynthLabels Labels, int Attempts);

    private void Generate(SynthRenderer renderer, List<SynthRecord> records, StreamWriter journal, SynthBackgrounds? backgrounds, DateTime started, Action<SynthProgress>? progress, CancellationToken cancel)
    {
        int w = options.Width, h = options.Height, total = options.Total, resumed = records.Count;
        if (backgrounds is not null)
            foreach (var (rgb, bw, bh, _) in backgrounds.Images) renderer.AddTexture(rgb, bw, bh);
        var sampler = new SceneSampler(options, backgrounds?.Images.Count ?? 0);
        var channel = Channel.CreateBounded<Rendered>(new BoundedChannelOptions(3) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
        var writer = Task.Run(() => WriteAll(channel, records, journal, started, resumed, progress));
        var rgba = new byte[w * h * 4];
        var depth = new float[w * h];
        int animal = -1;
        HorseSkeleton? skeleton = null;
        HorseMesh? mesh = null;
        try
        {
            for (long index = resumed; index < total; index++)
            {
                if (cancel.IsCancellationRequested || writer.IsFaulted) break;
                int a = sampler.AnimalOf(index);
                if (a != animal || mesh is null)
                {
                    skeleton = new HorseSkeleton(sampler.ShapeOf(a));
                    var levels = HorseMesh.Levels(skeleton);
                    mesh = levels[^1];            // the camera is aimed from the coarsest: only its extent matters
                    renderer.Use(levels);
                    animal = a;
                }
                SynthSample sample;
                SynthLabels labels;
                int attempt = 0;
                while (true)
                {
                    sample = sampler.Sample(index, attempt, skeleton!, mesh);
                    renderer.Render(sample.Scene, rgba, depth);
                    labels = SynthLabels.Compute(sample.Posed.Landmarks, sample.Scene.Camera, depth, rgba, options.DepthTolerance);
                    bool good = labels.Area > 0 && labels.VisibleCount >= options.MinVisible;
                    if (good || options.Clips > 0) break;
                    if (++attempt >= MaxAttempts)
                        throw new SynthException($"image {index}: no view in {MaxAttempts} tries showed {options.MinVisible} visible keypoints (lower --min-visible or --max-fill)");
                }
                var rgb = ArrayPool<byte>.Shared.Rent(w * h * 3);
                for (int p = 0, q = 0; p < w * h; p++, q += 4) { rgb[3 * p] = rgba[q]; rgb[3 * p + 1] = rgba[q + 1]; rgb[3 * p + 2] = rgba[q + 2]; }
                byte[]? mask = null;
                if (options.Masks)
                {
                    mask = ArrayPool<byte>.Shared.Rent(w * h);
                    for (int p = 0; p < w * h; p++) mask[p] = rgba[4 * p + 3] >= 128 ? (byte)255 : (byte)0;
                }
                var item = new Rendered(index, rgb, mask, sample, labels, attempt + 1);
                if (!channel.Writer.TryWrite(item))
                {
                    try { channel.Writer.WriteAsync(item, CancellationToken.None).AsTask().GetAwaiter().GetResult(); }
                    catch (ChannelClosedException) { Return(item); break; }
                }
            }
        }
        finally
        {
            channel.Writer.TryComplete();
            writer.GetAwaiter().GetResult();   // surfaces a write failure; every rented buffer is returned by the writer
        }
    }

    private async Task WriteAll(Channel<Rendered> channel, List<SynthRecord> records, StreamWriter journal, DateTime started, int resumed, Action<SynthProgress>? progress)
    {
        var reader = channel.Reader;
        try
        {
            await foreach (var item in reader.ReadAllAsync())
            {
                try
                {
                    records.Add(Write(item, journal));
                }
                finally
                {
                    Return(item);
                }
                if (records.Count % CheckpointEvery == 0) WriteAnnotations(records);
                double elapsed = (DateTime.UtcNow - started).TotalSeconds;
                progress?.Invoke(new SynthProgress(records.Count, options.Total, resumed, elapsed > 0 ? (records.Count - resumed) / elapsed : 0));
            }
        }
        finally
        {
            // after a failure: close the channel so the render loop stops instead of waiting on a full channel, and
            // return the buffers of what was rendered but not written
            channel.Writer.TryComplete();
            while (reader.TryRead(out var left)) Return(left);
        }
    }

    private static void Return(Rendered item)
    {
        ArrayPool<byte>.Shared.Return(item.Rgb);
        if (item.Mask is { } m) ArrayPool<byte>.Shared.Return(m);
    }

    private SynthRecord Write(Rendered item, StreamWriter journal)
    {
        int w = options.Width, h = options.Height;
        var sample = item.Sample;
        var rgb = item.Rgb.AsSpan(0, w * h * 3);
        var post = sample.Post;
        if (post.BlurLength > 1) OpenCvImage.MotionBlur(rgb, w, h, post.BlurLength, post.BlurAngle);
        if (post.Noise > 0) OpenCvImage.AddNoise(rgb, w, h, post.Noise, (ulong)SceneSampler.SeedFor(options.Seed, 7, item.Index, 0) + 1);
        bool jpeg = options.Format == "jpg";
        var bytes = OpenCvImage.Encode(rgb, w, h, jpeg, post.JpegQuality);
        string name = options.Clips > 0
            ? $"{ImagesFolder}/clip{sample.Clip:D4}_{sample.Frame:D5}.{options.Format}"
            : $"{ImagesFolder}/{item.Index:D6}.{options.Format}";
        if (item.Mask is { } mask)
            AtomicFile.WriteAllBytes(Path.Combine(Output, MasksFolder, Path.GetFileNameWithoutExtension(name) + ".png"), OpenCvImage.EncodeGray(mask.AsSpan(0, w * h), w, h));
        AtomicFile.WriteAllBytes(Path.Combine(Output, name), bytes);
        var labels = item.Labels;
        bool labelled = labels.Area > 0 && labels.VisibleCount >= options.MinVisible;
        var record = new SynthRecord
        {
            Index = item.Index,
            FileName = name,
            Width = w,
            Height = h,
            Animal = sample.Animal,
            Gait = sample.Gait.ToString().ToLowerInvariant(),
            VideoId = options.Clips > 0 ? sample.Clip : null,
            FrameIndex = options.Clips > 0 ? sample.Frame : null,
            Attempts = item.Attempts,
            Keypoints = labelled ? labels.CocoKeypoints() : null,
            Projected = labels.Projected(),
            NumKeypoints = labels.VisibleCount,
            Box = [labels.Box.X, labels.Box.Y, labels.Box.Width, labels.Box.Height],
            Area = labels.Area,
        };
        journal.WriteLine(record.ToJson());
        journal.Flush();
        return record;
    }

    /// <summary>The COCO dataset of <paramref name="records"/>: quadruped18 "horse" category, one annotation per labelled image.</summary>
    public static CocoDataset Dataset(IReadOnlyList<SynthRecord> records)
    {
        var images = new List<CocoImage>(records.Count);
        var annotations = new List<CocoAnnotation>(records.Count);
        foreach (var r in records)
        {
            long id = r.Index + 1;
            images.Add(new CocoImage(id, r.FileName, r.Width, r.Height) { VideoId = r.VideoId, FrameIndex = r.FrameIndex });
            if (r.Keypoints is null) continue;
            annotations.Add(new CocoAnnotation(id, id, 1, r.Keypoints, r.NumKeypoints, new BoundingBox(r.Box[0], r.Box[1], r.Box[2], r.Box[3]), r.Area, false)
            {
                ProjectedKeypoints = r.Projected,
            });
        }
        var category = CocoCategory.FromSchema(KeypointSchema.Quadruped18, 1, "horse") with { Supercategory = "animal" };
        return new CocoDataset(images, annotations, [category]);
    }

    private void WriteAnnotations(List<SynthRecord> records) =>
        CocoWriter.WriteGroundTruth(Path.Combine(Output, AnnotationsName), Dataset(records), new Dictionary<string, string>
        {
            ["description"] = $"PoseLive synthetic {options.Animal}s ({options.Style.ToString().ToLowerInvariant()} style, {options.Shapes.ToString().ToLowerInvariant()} shapes, seed {options.Seed})",
            ["keypoint_schema"] = "quadruped18",
            ["camera"] = $"{options.Width}x{options.Height}, horizontal FOV {options.FieldOfView}°, pinhole, pixel centres at integers",
            ["visibility"] = $"2 = inside the frame and within {options.DepthTolerance} m of the depth buffer; 0 = hidden or outside (x = y = 0)",
        });
}
