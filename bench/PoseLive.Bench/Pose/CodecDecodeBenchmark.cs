using BenchmarkDotNet.Attributes;
using PoseLive.Pose;
using PoseLive.Pose.Codecs;

namespace PoseLive.Bench.Pose;

/// <summary>Decode cost of one person (17 keypoints, 64×48 heatmaps, 256×192 input) for each codec.</summary>
[MemoryDiagnoser]
public class CodecDecodeBenchmark
{
    [Params("msra", "dark", "udp", "soft-argmax", "regression-offset")]
    public string Codec { get; set; } = "msra";

    private IKeypointCodec _codec = null!;
    private float[] _output = null!;
    private readonly Keypoint[] _keypoints = new Keypoint[17];

    [GlobalSetup]
    public void Setup()
    {
        _codec = KeypointCodecs.Create(Codec, 192, 256, 48, 64);
        var rng = new Random(1);
        var kps = Enumerable.Range(0, 17).Select(_ => new Keypoint((float)(20 + rng.NextDouble() * 150), (float)(20 + rng.NextDouble() * 210), 1)).ToArray();
        _output = new float[17 * _codec.ChannelsPerKeypoint * 48 * 64];
        _codec.Encode(kps, _output, new float[17]);
    }

    [Benchmark(Description = "decode one person")]
    public Keypoint Decode()
    {
        _codec.Decode(_output, _keypoints);
        return _keypoints[0];
    }
}

/// <summary>Crop-and-resize cost per person: a 768×576 RGB24 frame into a normalised 3×256×192 float tensor.</summary>
[MemoryDiagnoser]
public class CropBenchmark
{
    private readonly byte[] _frame = new byte[768 * 576 * 3];
    private readonly float[] _tensor = new float[4 * 3 * 256 * 192];
    private PoseLive.Pose.Geometry.TopDownCrop[] _one = null!, _four = null!;

    [GlobalSetup]
    public void Setup()
    {
        new Random(2).NextBytes(_frame);
        var crop = PoseLive.Pose.Geometry.TopDownCrop.FromBox(new BoundingBox(300, 150, 70, 180), 192, 256, rotation: 0);
        _one = [crop];
        _four = [crop, crop with { CenterX = 100 }, crop with { CenterX = 500 }, crop with { Rotation = 20 }];
    }

    [Benchmark(Baseline = true, Description = "1 person")]
    public void One() => PoseLive.Pose.Geometry.CropSampler.Crop(_frame, 768, 576, 768 * 3, _one, PoseLive.Pose.Geometry.InputNormalization.ImageNetRgb, _tensor);

    [Benchmark(Description = "4 persons (batch)")]
    public void Four() => PoseLive.Pose.Geometry.CropSampler.Crop(_frame, 768, 576, 768 * 3, _four, PoseLive.Pose.Geometry.InputNormalization.ImageNetRgb, _tensor);
}
