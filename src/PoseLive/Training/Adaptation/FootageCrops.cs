using System.Text.RegularExpressions;
using PoseLive.Detection;
using PoseLive.Media;
using PoseLive.Pose;

namespace PoseLive.Training.Adaptation;

/// <summary>One animal in one frame of the footage: where it came from, its track, its box and its CC-SSL crop box.</summary>
public sealed record FootageCrop(int Clip, string Source, long Frame, int Track, BoundingBox Box, float Score)
{
    /// <summary>CC-SSL's real-animal crop: a square of the box's longer side ×1.5 about its centre.</summary>
    public BoundingBox CropBox(double factor = 1.5)
    {
        float side = (float)(Math.Max(Box.Width, Box.Height) * factor);
        return new BoundingBox(Box.CenterX - side / 2, Box.CenterY - side / 2, side, side);
    }
}

/// <summary>What the footage held: the crops, the clips searched, frames read, and the inputs skipped (named, with why).</summary>
public sealed record FootageReport(IReadOnlyList<FootageCrop> Crops, IReadOnlyList<string> Clips, long Frames, IReadOnlyList<string> Skipped)
{
    /// <summary>The files of each clip (index = <see cref="FootageCrop.Clip"/>) and whether it is a video.</summary>
    public IReadOnlyList<FootageClip> ClipFiles { get; init; } = [];
    /// <summary>Every this many frames were searched (consecutive searched frames are this far apart).</summary>
    public int FrameStep { get; init; } = 1;

    private static readonly System.Text.Json.JsonSerializerOptions s_json = new() { WriteIndented = false };

    /// <summary>Saves the report (the run folder keeps it, so a resumed run does not search the footage again).</summary>
    public void Save(string path) => IO.AtomicFile.WriteAllBytes(path, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(this, s_json));

    public static FootageReport Load(string path)
    {
        try { return System.Text.Json.JsonSerializer.Deserialize<FootageReport>(File.ReadAllBytes(path), s_json) ?? throw new System.Text.Json.JsonException("empty"); }
        catch (System.Text.Json.JsonException e) { throw new FootageException($"{path}: not a footage report ({e.Message})"); }
    }
}

/// <summary>One clip of the footage: its name, its files (one video, or an image sequence) and which of the two it is.</summary>
public sealed record FootageClip(string Name, IReadOnlyList<string> Files, bool Video);

/// <summary>
/// Cuts unlabelled footage into animal crops for adaptation: every video, and every image sequence (the images of a folder
/// grouped by name, PREFIX_0001.jpg … one clip per prefix), is decoded frame by frame; the detector finds the animals
/// (COCO "horse", plus any other classes asked for) and a greedy IoU tracker links them from frame to frame, so each crop
/// carries its clip, frame and track — what the temporal check needs. A file that cannot be decoded is skipped and named;
/// footage with no animal at all (or no <c>subject</c>: people) is an error naming the files and how many frames were searched.
/// </summary>
public sealed class FootageCrops(IPersonDetector detector, double linkIoU = 0.3, int frameStep = 1, long maxFramesPerClip = long.MaxValue, string subject = "animal")
{
    private static readonly string[] Stills = [".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"];
    private static readonly string[] Videos = [".mp4", ".mov", ".avi", ".mkv", ".webm", ".m4v", ".mpg", ".mpeg", ".ts"];

    /// <summary>The clips in <paramref name="inputs"/> (video files, image files, folders of either), each a list of files.</summary>
    public static IReadOnlyList<(string Name, IReadOnlyList<string> Files, bool Video)> Clips(IEnumerable<string> inputs)
    {
        var clips = new List<(string, IReadOnlyList<string>, bool)>();
        var loose = new List<string>();
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
            {
                var files = Directory.GetFiles(input).Order(StringComparer.Ordinal).ToList();
                var videos = files.Where(f => Videos.Contains(Path.GetExtension(f).ToLowerInvariant())).ToList();
                var stills = files.Where(f => Stills.Contains(Path.GetExtension(f).ToLowerInvariant())).ToList();
                if (videos.Count == 0 && stills.Count == 0) throw new FootageException($"{input}: a folder with no videos or images in it");
                clips.AddRange(videos.Select(v => (v, (IReadOnlyList<string>)[v], true)));
                loose.AddRange(stills);
            }
            else if (!File.Exists(input)) throw new FootageException($"{input}: no such file or folder");
            else if (Videos.Contains(Path.GetExtension(input).ToLowerInvariant())) clips.Add((input, [input], true));
            else loose.Add(input);
        }
        // image sequences: one clip per folder and name prefix (clip0003_00012.jpg → clip0003)
        foreach (var group in loose.GroupBy(f => Path.Combine(Path.GetDirectoryName(f) ?? "", SequencePrefix(Path.GetFileNameWithoutExtension(f)))).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var files = group.Order(StringComparer.Ordinal).ToList();
            clips.Add((files.Count == 1 ? files[0] : group.Key + "*", files, false));   // a sequence is named by its pattern
        }
        return clips;
    }

    private static string SequencePrefix(string name) => Regex.Match(name, @"^(.*?)[_\-.]?\d+$") is { Success: true } m && m.Groups[1].Length > 0 ? m.Groups[1].Value : "";

    public FootageReport Collect(IEnumerable<string> inputs, Action<string>? warn = null, CancellationToken cancel = default)
    {
        var clips = Clips(inputs);
        var crops = new List<FootageCrop>();
        var skipped = new List<string>();
        var names = new List<string>();
        long frames = 0;
        int nextTrack = 0;
        for (int c = 0; c < clips.Count; c++)
        {
            var (name, files, video) = clips[c];
            names.Add(name);
            var previous = new List<(int Track, BoundingBox Box)>();
            long index = 0;
            try
            {
                foreach (var (frame, frameIndex) in Frames(files, video))
                {
                    using (frame)
                    {
                        cancel.ThrowIfCancellationRequested();
                        if (frameIndex % frameStep != 0) continue;
                        if (index++ >= maxFramesPerClip) break;
                        frames++;
                        var found = detector.Detect(frame.Plane(0), frame.Width, frame.Height, frame.Stride);
                        var current = new List<(int Track, BoundingBox Box)>();
                        var free = new List<(int Track, BoundingBox Box)>(previous);
                        foreach (var d in found.OrderByDescending(d => d.Score))
                        {
                            int best = -1;
                            double bestIoU = linkIoU;
                            for (int i = 0; i < free.Count; i++)
                            {
                                double o = free[i].Box.IoU(d.Box);
                                if (o >= bestIoU) { bestIoU = o; best = i; }
                            }
                            int track = best >= 0 ? free[best].Track : nextTrack++;
                            if (best >= 0) free.RemoveAt(best);
                            current.Add((track, d.Box));
                            crops.Add(new FootageCrop(c, video ? name : files[(int)frameIndex], frameIndex, track, d.Box, d.Score));
                        }
                        previous = current;
                    }
                }
            }
            catch (MediaException e)
            {
                skipped.Add($"{name}: {e.Message}");
                warn?.Invoke($"skipped {name}: {e.Message}");
            }
        }
        if (crops.Count == 0)
            throw new FootageException($"no {subject} found in {frames} frame{(frames == 1 ? "" : "s")} of {string.Join(", ", names.Take(5))}{(names.Count > 5 ? $" and {names.Count - 5} more" : "")}" +
                (skipped.Count > 0 ? $" ({skipped.Count} could not be read)" : ""));
        return new FootageReport(crops, names, frames, skipped) { ClipFiles = clips.Select(c => new FootageClip(c.Name, c.Files, c.Video)).ToList(), FrameStep = frameStep };
    }

    /// <summary>The frames of a clip that <paramref name="wanted"/> lists, in order, each with its entries (the caller disposes the frame); stops after the last.</summary>
    internal static IEnumerable<(VideoFrame Frame, long Index, List<T> Here)> FramesOf<T>(FootageClip clip, IReadOnlyDictionary<long, List<T>> wanted)
    {
        long last = wanted.Keys.Max();
        foreach (var (frame, index) in Frames(clip.Files, clip.Video))
        {
            if (wanted.TryGetValue(index, out var here))
            {
                yield return (frame, index, here);
                continue;
            }
            frame.Dispose();
            if (index > last) yield break;
        }
    }

    // a video's frames in order, or an image sequence's images as frames 0, 1, …
    internal static IEnumerable<(VideoFrame Frame, long Index)> Frames(IReadOnlyList<string> files, bool video)
    {
        if (video)
        {
            using var source = VideoSource.Open(files[0]);
            long i = 0;
            while (source.ReadFrame() is { } frame) yield return (frame, i++);
            yield break;
        }
        for (int i = 0; i < files.Count; i++)
        {
            using var source = VideoSource.Open(files[i]);
            var frame = source.ReadFrame() ?? throw new MediaException(files[i], "holds no image");
            yield return (frame, i);
        }
    }
}

/// <summary>Unusable footage; the message names the files and the problem.</summary>
public sealed class FootageException(string message) : Exception(message);
