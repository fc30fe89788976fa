using System.Text;
using PoseLive.Coco;
using PoseLive.Models;
using PoseLive.Onnx;
using PoseLive.Pose;
using PoseLive.Training.Checkpoints;

namespace PoseLive.Fuzz;

/// <summary>Small valid inputs for every target, written with PoseLive's own writers: the start of each campaign.</summary>
public static class FuzzSeeds
{
    private static CocoDataset Dataset()
    {
        var k = new float[51];
        for (int i = 0; i < 17; i++) (k[3 * i], k[3 * i + 1], k[3 * i + 2]) = (10 + i, 20 + 2 * i, 2);
        var person = CocoCategory.FromSchema(KeypointSchema.Coco17);
        return new CocoDataset([new CocoImage(1, "a.jpg", 64, 48), new CocoImage(2, "v.mp4#1", 64, 48) { FrameIndex = 1, Timestamp = 0.1 }],
            [new CocoAnnotation(1, 1, person.Id, k, 17, new BoundingBox(5, 5, 30, 40), 1200, false) { TrackId = 3 }], [person]);
    }

    public static byte[] GroundTruth() => Through("gt.json", p => CocoWriter.WriteGroundTruth(p, Dataset(), new Dictionary<string, string> { ["video"] = "v.mp4" }));

    private static byte[] Results() => Through("r.json", p => CocoWriter.WriteResults(p,
        [new CocoResult(1, 1, Dataset().Annotations[0].Keypoints, 0.9) { Box = new BoundingBox(5, 5, 30, 40), TrackId = 3 }]));

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static string Keypoints(int n) => string.Join(",", Enumerable.Range(0, n).Select(i => i % 3 == 2 ? "0.8" : $"{i}.5"));

    private static byte[] Journal(int frame, string shard, int first, int frames) => Utf8(
        $"{{\"settings\":{{\"shard\":\"{shard}\",\"shard_first_frame\":\"{first}\",\"shard_frames\":\"{frames}\",\"video\":\"v.mp4\"}}}}\n" +
        $"{{\"frame\":{frame},\"time\":{frame / 10.0},\"width\":64,\"height\":48,\"detected\":true," +
        $"\"raw\":[{{\"box\":[1,2,30,40],\"box_score\":0.9,\"score\":0.8,\"keypoints\":[{Keypoints(51)}]}}]," +
        $"\"people\":[{{\"track_id\":1,\"box\":[1,2,30,40],\"score\":0.8,\"keypoints\":[{Keypoints(51)}]}}]}}\n");

    private static byte[] ShardDataset(long frame) => Through("s.json", p =>
    {
        var d = Dataset();
        var k = d.Annotations[0].Keypoints;
        CocoWriter.WriteGroundTruth(p, new CocoDataset([new CocoImage(frame + 1, $"v.mp4#{frame}", 64, 48) { FrameIndex = frame, Timestamp = frame / 10.0 }],
            [d.Annotations[0] with { ImageId = frame + 1 }], d.Categories));
    });

    private static byte[] TfJs()
    {
        var model = """
            {"format":"graph-model","generatedBy":"seed","modelTopology":{"node":[
              {"name":"x","op":"Placeholder","attr":{"dtype":{"type":"DT_FLOAT"},"shape":{"shape":{"dim":[{"size":"1"},{"size":"2"}]}}}},
              {"name":"w","op":"Const","attr":{"dtype":{"type":"DT_FLOAT"}}},
              {"name":"y","op":"Mul","input":["x","w"],"attr":{"T":{"type":"DT_FLOAT"}}}]},
             "weightsManifest":[{"paths":["group1-shard1of1.bin"],"weights":[
               {"name":"w","shape":[2],"dtype":"float32"},
               {"name":"h","shape":[2],"dtype":"float32","quantization":{"dtype":"float16","original_dtype":"float32"}},
               {"name":"q","shape":[2],"dtype":"float32","quantization":{"dtype":"uint8","scale":0.5,"min":-1,"original_dtype":"float32"}}]}]}
            """;
        byte[] weights = [.. BitConverter.GetBytes(1.5f), .. BitConverter.GetBytes(-2f), .. BitConverter.GetBytes((Half)0.5f), .. BitConverter.GetBytes((Half)3f), 4, 200];
        return FuzzTargets.Join(Utf8(model), weights);
    }

    private static byte[] Pth() => Through("m.pth", p => PthWriter.WriteTree(p, new Dictionary<string, object?>
    {
        ["state_dict"] = new Dictionary<string, object?> { ["conv.weight"] = new CheckpointTensor("conv.weight", CheckpointDType.Float32, [2, 1], new float[] { 0.5f, -1 }) },
        ["epoch"] = 3L, ["best"] = 0.25, ["name"] = "seed",
    }));

    private static byte[] Onnx()
    {
        var g = new OnnxGraphBuilder("seed");
        var x = g.Input("x", OnnxDataType.Float, 1, 4);
        g.Output(g.Node("Relu", [g.Node("Mul", [x, g.Initializer<float>("k", [3f], 1)])]), OnnxDataType.Float, 1, 4);
        return g.ToBytes();
    }

    /// <summary>Seed inputs per target name.</summary>
    public static IReadOnlyDictionary<string, byte[][]> All() => new Dictionary<string, byte[][]>
    {
        ["coco-gt"] = [GroundTruth()],
        ["coco-results"] = [Results()],
        ["tfjs"] = [TfJs()],
        ["pth"] = [Pth()],
        ["modelcard"] = [.. ModelZoo.Definitions.Take(2).Select(c => Utf8(c.ToJson()))],
        ["journal"] = [Journal(0, "0/1", 0, 1)],
        ["synth-journal"] = [SynthJournal()],
        ["merge"] = [FuzzTargets.Join(ShardDataset(0), Journal(0, "0/2", 0, 1), ShardDataset(1), Journal(1, "1/2", 1, 1))],
        ["onnx"] = [Onnx()],
    };

    /// <summary>Two synth journal records as PoseLive writes them (one labelled still, one unlabelled clip frame).</summary>
    public static byte[] SynthJournal()
    {
        var projected = Enumerable.Range(0, 54).Select(i => (float)(i * 7 % 300)).ToArray();
        var keypoints = Enumerable.Range(0, 54).Select(i => i % 3 == 2 ? (i % 2 == 0 ? 2f : 0f) : (float)(i * 5 % 200)).ToArray();
        var a = new PoseLive.Synthetic.SynthRecord { Index = 0, FileName = "images/000000.jpg", Width = 640, Height = 480, Gait = "trot", Attempts = 1,
            Keypoints = keypoints, Projected = projected, NumKeypoints = 9, Box = [10, 20, 300, 200], Area = 41000 };
        var b = a with { Index = 1, FileName = "images/clip0000_00001.jpg", VideoId = 0, FrameIndex = 1, Keypoints = null };
        return Utf8(a.ToJson() + "\n" + b.ToJson() + "\n");
    }

    /// <summary>Writes DIR/TARGET/seed-N for every target.</summary>
    public static void Write(string directory)
    {
        foreach (var (target, seeds) in All())
        {
            var dir = Path.Combine(directory, target);
            Directory.CreateDirectory(dir);
            for (int i = 0; i < seeds.Length; i++) File.WriteAllBytes(Path.Combine(dir, $"seed-{i}"), seeds[i]);
        }
    }

    private static byte[] Through(string name, Action<string> write)
    {
        var path = Path.Combine(Path.GetTempPath(), $"poselive-seed-{Environment.ProcessId}-{name}");
        try
        {
            write(path);
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
