using PoseLive.Coco;
using PoseLive.Tests.TestSupport;
using static PoseLive.Tests.Coco.CocoScenes;

namespace PoseLive.Tests.Coco;

/// <summary>Reading and writing COCO JSON: round trips, and malformed files rejected with the element named.</summary>
public class CocoJsonTests
{
    private const string Category = """{"id":1,"name":"person","keypoints":["nose","left_eye","right_eye","left_ear","right_ear","left_shoulder","right_shoulder","left_elbow","right_elbow","left_wrist","right_wrist","left_hip","right_hip","left_knee","right_knee","left_ankle","right_ankle"],"skeleton":[[16,14],[14,12]]}""";
    private static readonly string Keypoints = "[" + string.Join(",", Enumerable.Range(0, 17).Select(i => $"{10 + i},{20 + i},2")) + "]";

    private static string Annotation(string overrides = "", string keypoints = "") =>
        "{\"id\":5,\"image_id\":1,\"category_id\":1,\"keypoints\":" + (keypoints.Length > 0 ? keypoints : Keypoints) +
        ",\"num_keypoints\":17,\"bbox\":[10,20,16,16],\"area\":256,\"iscrowd\":0" + overrides + "}";

    private static string GtJson(string annotations, string images = """[{"id":1,"file_name":"a.jpg","width":640,"height":480}]""") =>
        $$"""{"info":{"year":2026},"images":{{images}},"annotations":[{{annotations}}],"categories":[{{Category}}]}""";

    private static CocoFormatException Reject(string json, string file = "gt.json")
    {
        using var dir = new TestData.TempDir();
        var path = dir.File(file);
        File.WriteAllText(path, json);
        return Assert.Throws<CocoFormatException>(() => CocoReader.ReadGroundTruth(path));
    }

    [Fact]
    public void Ground_truth_and_results_round_trip_through_the_writer()
    {
        using var dir = new TestData.TempDir();
        var gts = new[] { Gt(1, 1, 10, 10, 60), Gt(2, 2, 50, 40, 80, crowd: true) };
        var dataset = Dataset(gts, 1, 2);
        CocoWriter.WriteGroundTruth(dir.File("gt.json"), dataset);
        var read = CocoReader.ReadGroundTruth(dir.File("gt.json"));
        Assert.Equal(2, read.Annotations.Count);
        Assert.Equal(gts[1].Keypoints, read.Annotations[1].Keypoints);
        Assert.True(read.Annotations[1].IsCrowd);
        Assert.Equal(KeypointSchemaSkeleton(), read.Categories[0].Skeleton.Select(p => (p[0], p[1])).ToArray());

        var results = new List<CocoResult> { Dt(gts[0], 0.9) with { TrackId = 7 }, Dt(gts[1], 0.4) };
        CocoWriter.WriteResults(dir.File("dt.json"), results);
        var readResults = CocoReader.ReadResults(dir.File("dt.json"), read);
        Assert.Equal(7, readResults[0].TrackId);
        Assert.Null(readResults[1].TrackId);
        Assert.Equal(results[1].Keypoints, readResults[1].Keypoints);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.partial"));
    }

    private static (int, int)[] KeypointSchemaSkeleton() => PoseLive.Pose.KeypointSchema.Coco17.ToCocoSkeleton().Select(p => (p[0], p[1])).ToArray();

    [Fact]
    public void A_large_results_file_streams_in_bounded_memory()
    {
        using var dir = new TestData.TempDir();
        var gt = Gt(1, 1, 10, 10, 60);
        CocoWriter.WriteResults(dir.File("big.json"), Enumerable.Range(0, 20000).Select(i => Dt(gt, i / 20000.0)));
        long n = 0;
        foreach (var r in CocoReader.StreamResults(dir.File("big.json"))) n++;
        Assert.Equal(20000, n);
        Assert.True(new FileInfo(dir.File("big.json")).Length > 4_000_000); // far larger than the 64 KiB read buffer
    }

    [Fact]
    public void Valid_file_reads()
    {
        using var dir = new TestData.TempDir();
        File.WriteAllText(dir.File("gt.json"), GtJson(Annotation()));
        var d = CocoReader.ReadGroundTruth(dir.File("gt.json"));
        Assert.Equal(17, d.Annotations[0].NumKeypoints);
        Assert.Equal(256, d.Annotations[0].Area);
    }

    [Theory]
    [InlineData("\"id\":\"five\"", "annotations[0]: 'id' must be an integer, got string \"five\"")]
    [InlineData("\"bbox\":[1,2,3]", "annotations[0]: 'bbox' has 3 values, expected 4")]
    [InlineData("\"image_id\":99", "annotations[0]: image_id 99 (annotation id 5) is not in 'images'")]
    [InlineData("\"category_id\":3", "annotations[0]: category_id 3 (annotation id 5) is not in 'categories'")]
    [InlineData("\"iscrowd\":\"no\"", "annotations[0]: 'iscrowd' must be 0, 1, true or false")]
    [InlineData("\"area\":-5", "annotations[0]: area -5 is negative")]
    public void Wrong_types_and_dangling_references_are_named(string field, string expected)
    {
        var name = field[1..field.IndexOf('"', 1)];
        var json = Annotation().Replace($"\"{name}\":", $"\"__{name}\":"); // hide the original field…
        json = json.Insert(1, field + ",");                               // …and put the bad one first
        var e = Reject(GtJson(json));
        Assert.Contains("gt.json: " + expected, e.Message);
    }

    [Fact]
    public void Keypoint_array_of_the_wrong_length_is_named()
    {
        var short50 = "[" + string.Join(",", Enumerable.Range(0, 50).Select(_ => "1")) + "]";
        var e = Reject(GtJson(Annotation(keypoints: short50)));
        Assert.Contains("annotations[0]: 'keypoints' has 50 values, expected 51 (17 keypoints × 3 for category 'person')", e.Message);
    }

    [Fact]
    public void Bad_visibility_and_string_numbers_are_named()
    {
        var badV = Keypoints.Replace("10,20,2", "10,20,3");
        Assert.Contains("annotations[0]: keypoints[2] (visibility of 'nose') is 3", Reject(GtJson(Annotation(keypoints: badV))).Message);
        var nanString = Keypoints.Replace("10,20,2", "\"NaN\",20,2");
        Assert.Contains("annotations[0]: keypoints[0] must be a number, got string \"NaN\"", Reject(GtJson(Annotation(keypoints: nanString))).Message);
    }

    [Fact]
    public void Bare_nan_is_invalid_json_and_reported_in_its_element()
    {
        var e = Reject(GtJson(Annotation(keypoints: Keypoints.Replace("10,20,2", "NaN,20,2"))));
        Assert.Contains("invalid JSON in annotations[0]", e.Message);
        Assert.Contains("NaN and Infinity are not valid JSON numbers", e.Message);
    }

    [Fact]
    public void Duplicate_ids_are_named()
    {
        Assert.Contains("annotations[1]: duplicate annotation id 5", Reject(GtJson(Annotation() + "," + Annotation())).Message);
        var twoImages = """[{"id":1,"file_name":"a.jpg","width":1,"height":1},{"id":1,"file_name":"b.jpg","width":1,"height":1}]""";
        Assert.Contains("images[1]: duplicate image id 1", Reject(GtJson(Annotation(), twoImages)).Message);
    }

    [Fact]
    public void Missing_sections_truncation_and_wrong_shapes_are_named()
    {
        Assert.Contains("missing 'categories'", Reject("""{"images":[],"annotations":[]}""").Message);
        var full = GtJson(Annotation());
        Assert.Contains("gt.json", Reject(full[..(full.Length / 2)]).Message);
        Assert.Contains("must be a JSON object", Reject("[1,2,3]").Message);
        Assert.Contains("'images' must be an array", Reject("""{"images":{},"annotations":[],"categories":[]}""").Message);
        Assert.Contains("annotations[0]: missing field 'bbox'", Reject(GtJson(Annotation().Replace("\"bbox\":[10,20,16,16],", ""))).Message);
    }

    [Fact]
    public void Results_are_checked_against_the_ground_truth()
    {
        using var dir = new TestData.TempDir();
        File.WriteAllText(dir.File("gt.json"), GtJson(Annotation()));
        var gt = CocoReader.ReadGroundTruth(dir.File("gt.json"));
        File.WriteAllText(dir.File("dt.json"), $$"""[{"image_id":1,"category_id":1,"keypoints":{{Keypoints}},"score":0.9},{"image_id":1,"category_id":1,"keypoints":[1,2,3],"score":0.5}]""");
        var e = Assert.Throws<CocoFormatException>(() => CocoReader.ReadResults(dir.File("dt.json"), gt));
        Assert.Contains("dt.json: results[1]: 'keypoints' has 3 values, expected 51", e.Message);
        File.WriteAllText(dir.File("dt.json"), $$"""[{"image_id":2,"category_id":1,"keypoints":{{Keypoints}},"score":0.9}]""");
        Assert.Contains("results[0]: image_id 2 is not in the ground truth", Assert.Throws<CocoFormatException>(() => CocoReader.ReadResults(dir.File("dt.json"), gt)).Message);
        Assert.Throws<FileNotFoundException>(() => CocoReader.ReadResults(dir.File("none.json")));
    }
}
