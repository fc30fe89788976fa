using System.Text.Json;
using PoseLive.Pose;

namespace PoseLive.Coco;

/// <summary>
/// Reads COCO keypoint ground truth and results JSON, streaming (one element in memory at a time) and
/// strict: wrong types, missing fields, keypoint arrays of the wrong length, duplicate ids, dangling
/// references and non-finite numbers are errors naming the file and the element.
/// </summary>
public static class CocoReader
{
    public static CocoDataset ReadGroundTruth(string path)
    {
        using var stream = Open(path);
        return ReadGroundTruth(stream, path);
    }

    public static CocoDataset ReadGroundTruth(Stream stream, string name)
    {
        var images = new List<CocoImage>();
        var rawAnnotations = new List<(JsonFields Fields, int Index)>();
        var categories = new List<CocoCategory>();
        using var json = new JsonTokenStream(stream, name);
        if (!json.Next() || json.TokenType != JsonTokenType.StartObject)
            throw new CocoFormatException($"{name}: ground truth must be a JSON object with images, annotations and categories");
        bool sawImages = false, sawAnnotations = false, sawCategories = false;
        while (json.Next() && json.TokenType == JsonTokenType.PropertyName)
        {
            var property = json.StringValue!;
            switch (property)
            {
                case "images":
                    sawImages = true;
                    ReadArray(json, name, property, (e, i) => images.Add(ReadImage(new JsonFields(e, name, $"images[{i}]"))));
                    break;
                case "annotations":
                    sawAnnotations = true;
                    ReadArray(json, name, property, (e, i) => rawAnnotations.Add((new JsonFields(e, name, $"annotations[{i}]"), i)));
                    break;
                case "categories":
                    sawCategories = true;
                    ReadArray(json, name, property, (e, i) => categories.Add(ReadCategory(new JsonFields(e, name, $"categories[{i}]"))));
                    break;
                default:
                    json.Context = property;
                    json.SkipValue();
                    break;
            }
        }
        if (!sawImages) throw new CocoFormatException($"{name}: missing 'images'");
        if (!sawCategories) throw new CocoFormatException($"{name}: missing 'categories'");
        if (!sawAnnotations) throw new CocoFormatException($"{name}: missing 'annotations'");

        Unique(images.Select(i => i.Id), "images", "image id", name);
        Unique(categories.Select(c => (long)c.Id), "categories", "category id", name);
        var imageIds = images.Select(i => i.Id).ToHashSet();
        var categoryById = categories.ToDictionary(c => c.Id);
        var annotations = new List<CocoAnnotation>(rawAnnotations.Count);
        var annotationIds = new HashSet<long>();
        foreach (var (f, _) in rawAnnotations)
        {
            var a = ReadAnnotation(f, imageIds, categoryById);
            if (!annotationIds.Add(a.Id)) throw f.Error($"duplicate annotation id {a.Id}");
            annotations.Add(a);
        }
        return new CocoDataset(images, annotations, categories);
    }

    /// <summary>Reads a results file (a JSON array), checked against <paramref name="groundTruth"/> when given.</summary>
    public static List<CocoResult> ReadResults(string path, CocoDataset? groundTruth = null) => StreamResults(path, groundTruth).ToList();

    /// <summary>Streams a results file element by element.</summary>
    public static IEnumerable<CocoResult> StreamResults(string path, CocoDataset? groundTruth = null)
    {
        var imageIds = groundTruth?.Images.Select(i => i.Id).ToHashSet();
        var keypointCounts = groundTruth?.Categories.ToDictionary(c => c.Id, c => c.Keypoints.Length);
        using var json = new JsonTokenStream(Open(path), path);
        if (!json.Next() || json.TokenType != JsonTokenType.StartArray)
            throw new CocoFormatException($"{path}: results must be a JSON array of {{image_id, category_id, keypoints, score}} objects");
        for (int i = 0; ; i++)
        {
            json.Context = $"results[{i}]";
            if (!json.NextArrayItem(out var element)) yield break;
            if (element.ValueKind != JsonValueKind.Object) throw new CocoFormatException($"{path}: results[{i}] must be an object");
            yield return ReadResult(new JsonFields(element, path, $"results[{i}]"), imageIds, keypointCounts);
        }
    }

    private static FileStream Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"COCO file '{path}' does not exist.", path);
        if (new FileInfo(path).Length == 0) throw new CocoFormatException($"{path}: the file is empty");
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
    }

    private static void ReadArray(JsonTokenStream json, string name, string property, Action<JsonElement, int> item)
    {
        json.Context = property;
        if (!json.Next() || json.TokenType != JsonTokenType.StartArray) throw new CocoFormatException($"{name}: '{property}' must be an array");
        for (int i = 0; ; i++)
        {
            json.Context = $"{property}[{i}]";
            if (!json.NextArrayItem(out var element)) return;
            if (element.ValueKind != JsonValueKind.Object) throw new CocoFormatException($"{name}: {property}[{i}] must be an object");
            item(element, i);
        }
    }

    private static CocoImage ReadImage(JsonFields f) => new(
        f.Long("id"),
        f.Has("file_name") ? f.String("file_name") : "",
        f.Has("width") ? f.Int("width") : 0,
        f.Has("height") ? f.Int("height") : 0)
    {
        VideoId = f.Has("video_id") ? f.Long("video_id") : null,
        FrameIndex = f.Has("frame_index") ? f.Long("frame_index") : null,
        Timestamp = f.Has("timestamp") ? f.Double("timestamp") : null,
    };

    private static CocoCategory ReadCategory(JsonFields f)
    {
        var keypoints = f.Has("keypoints") ? f.Strings("keypoints") : [];
        var skeleton = f.Has("skeleton") ? f.Pairs("skeleton") : [];
        foreach (var pair in skeleton)
            if (pair.Any(k => k < 1 || k > keypoints.Length)) throw f.Error($"skeleton pair [{pair[0]},{pair[1]}] is outside 1..{keypoints.Length} (COCO skeletons are 1-based)");
        return new CocoCategory(f.Int("id"), f.String("name"), keypoints, skeleton, f.Has("supercategory") ? f.String("supercategory") : "");
    }

    private static CocoAnnotation ReadAnnotation(JsonFields f, HashSet<long> imageIds, Dictionary<int, CocoCategory> categories)
    {
        long id = f.Long("id");
        long imageId = f.Long("image_id");
        if (!imageIds.Contains(imageId)) throw f.Error($"image_id {imageId} (annotation id {id}) is not in 'images'");
        int categoryId = f.Int("category_id");
        if (!categories.TryGetValue(categoryId, out var category)) throw f.Error($"category_id {categoryId} (annotation id {id}) is not in 'categories'");
        int k = category.Keypoints.Length;
        var keypoints = f.Numbers("keypoints", 3 * k, $"{k} keypoints × 3 for category '{category.Name}'");
        int labelled = 0;
        for (int i = 0; i < k; i++)
        {
            float v = keypoints[3 * i + 2];
            if (v != 0 && v != 1 && v != 2) throw f.Error($"keypoints[{3 * i + 2}] (visibility of '{category.Keypoints[i]}') is {v}; must be 0, 1 or 2");
            if (v > 0) labelled++;
        }
        int numKeypoints = f.Has("num_keypoints") ? f.Int("num_keypoints") : labelled;
        if (numKeypoints < 0 || numKeypoints > k) throw f.Error($"num_keypoints {numKeypoints} is outside 0..{k}");
        var bbox = f.Numbers("bbox", 4, "x, y, width, height");
        if (bbox[2] < 0 || bbox[3] < 0) throw f.Error($"bbox has a negative size ({bbox[2]} x {bbox[3]})");
        var box = new BoundingBox(bbox[0], bbox[1], bbox[2], bbox[3]);
        double area = f.Has("area") ? f.Double("area") : box.Area;
        if (area < 0) throw f.Error($"area {area} is negative");
        return new CocoAnnotation(id, imageId, categoryId, keypoints, numKeypoints, box, area, f.Has("iscrowd") && f.Flag("iscrowd"))
        {
            TrackId = f.Has("track_id") ? f.Long("track_id") : null,
            Score = f.Has("score") ? f.Double("score") : null,
            KeypointScores = f.Has("keypoint_scores") ? f.Numbers("keypoint_scores", k, $"{k} keypoints") : null,
            ProjectedKeypoints = f.Has("keypoints_projected") ? f.Numbers("keypoints_projected", 3 * k, $"{k} keypoints × (x, y, depth)") : null,
        };
    }

    private static CocoResult ReadResult(JsonFields f, HashSet<long>? imageIds, Dictionary<int, int>? keypointCounts)
    {
        long imageId = f.Long("image_id");
        if (imageIds is not null && !imageIds.Contains(imageId)) throw f.Error($"image_id {imageId} is not in the ground truth");
        int categoryId = f.Has("category_id") ? f.Int("category_id") : 1;
        int? k = null;
        if (keypointCounts is not null)
        {
            if (!keypointCounts.TryGetValue(categoryId, out var count)) throw f.Error($"category_id {categoryId} is not in the ground truth");
            k = count;
        }
        var keypoints = f.Numbers("keypoints", k * 3, k is null ? null : $"{k} keypoints × 3");
        if (keypoints.Length % 3 != 0 || keypoints.Length == 0) throw f.Error($"'keypoints' has {keypoints.Length} values, not a multiple of 3");
        double score = f.Double("score");
        BoundingBox? box = null;
        if (f.Has("bbox"))
        {
            var b = f.Numbers("bbox", 4, "x, y, width, height");
            box = new BoundingBox(b[0], b[1], b[2], b[3]);
        }
        return new CocoResult(imageId, categoryId, keypoints, score) { TrackId = f.Has("track_id") ? f.Long("track_id") : null, Box = box };
    }

    private static void Unique(IEnumerable<long> ids, string array, string what, string name)
    {
        var seen = new HashSet<long>();
        int i = 0;
        foreach (var id in ids)
        {
            if (!seen.Add(id)) throw new CocoFormatException($"{name}: {array}[{i}]: duplicate {what} {id}");
            i++;
        }
    }
}
