using PoseLive.Media;
using PoseLive.Pose;
using PoseLive.Pose.Codecs;
using PoseLive.Pose.Geometry;
using PoseLive.Tests.TestSupport;
using PoseLive.Training.Data;

namespace PoseLive.Tests.Training;

public class TrainingDataTests
{
    [Fact]
    public void VideoDatasetDecodesFramesByIndexInAnyOrderAndSplitsByTime()
    {
        using var dir = new TestData.TempDir();
        var json = SyntheticPoseData.WriteVideo(dir.Path, 30);
        var data = KeypointDataset.Load(json);
        Assert.True(data.IsVideo);
        Assert.Equal(30, data.Instances.Count);

        var sequential = new List<byte[]>();
        using (var source = VideoSource.Open(Path.Combine(dir.Path, "clip.mp4")))
        {
            VideoFrame? f;
            while ((f = source.ReadFrame()) is not null)
                using (f)
                {
                    var copy = new byte[f.Width * 3 * f.Height];
                    for (int y = 0; y < f.Height; y++) f.Row(y).CopyTo(copy.AsSpan(y * f.Width * 3));
                    sequential.Add(copy);
                }
        }
        Assert.Equal(30, sequential.Count);
        using var store = new ImageStore(cacheBytes: 0); // no cache: every read seeks or reads through
        foreach (int frame in new[] { 17, 3, 29, 0, 28, 4, 12, 11, 25 })
        {
            var image = store.Get(data.Instances[frame].Image);
            Assert.Equal(frame, data.Instances[frame].Image.FrameIndex);
            Assert.True(image.Pixels.AsSpan().SequenceEqual(sequential[frame]), $"frame {frame} differs from the sequential decode");
        }

        var (train, val) = data.Split(0.2);
        var trainFrames = train.Instances.Select(i => i.Image.FrameIndex).ToList();
        var valFrames = val.Instances.Select(i => i.Image.FrameIndex).ToList();
        Assert.Equal(Enumerable.Range(0, 24).Select(i => (long)i), trainFrames.Order());
        Assert.Equal(Enumerable.Range(24, 6).Select(i => (long)i), valFrames.Order()); // the last 20 % of the clip's time
        Assert.Equal(6, val.GroundTruth.Images.Count);
    }

    [Fact]
    public void AugmentedSamplesKeepEveryKeypointOnItsOwnColourThroughFlipsRotationAndScale()
    {
        using var dir = new TestData.TempDir();
        var json = SyntheticPoseData.WriteStills(dir.Path, 4);
        var data = KeypointDataset.Load(json);
        var codec = new MsraHeatmapCodec(128, 128, 32, 32);
        var sampler = new TopDownSampler(data.Schema, codec, InputNormalization.Raw255Rgb, AugmentationOptions.Standard, seed: 7);
        using var store = new ImageStore();
        var input = new float[3 * 128 * 128];
        var target = new float[17 * 32 * 32];
        var weights = new float[17];
        var kps = new Keypoint[17];
        var flip = data.Schema.FlipIndex();
        int checkedPoints = 0, flips = 0, rotations = 0;
        for (int index = 0; index < 40; index++)
        {
            var instance = data.Instances[index % 4];
            var g = sampler.Build(instance, store.Get(instance.Image), epoch: 3, index, input, target, weights, kps);
            if (g.Flipped) flips++;
            if (Math.Abs(g.ImageToInput.B) > 1e-6) rotations++;
            for (int j = 0; j < 17; j++)
            {
                if (kps[j].IsMissing) continue;
                int x = (int)Math.Round(kps[j].X), y = (int)Math.Round(kps[j].Y);
                if (x < 2 || y < 2 || x >= 126 || y >= 126) continue;
                int p = y * 128 + x;
                var (r, gg, b) = SyntheticPoseData.ColorOf(g.Flipped ? flip[j] : j);
                Assert.True(Math.Abs(input[p] - r) + Math.Abs(input[128 * 128 + p] - gg) + Math.Abs(input[2 * 128 * 128 + p] - b) < 60,
                    $"sample {index} keypoint {j}: crop colour ({input[p]:0}, {input[128 * 128 + p]:0}, {input[2 * 128 * 128 + p]:0}) is not keypoint {(g.Flipped ? flip[j] : j)}'s ({r}, {gg}, {b})");
                checkedPoints++;
            }
        }
        Assert.InRange(flips, 10, 30);        // p 0.5 of 40
        Assert.InRange(rotations, 12, 36);    // p 0.6 of 40
        Assert.True(checkedPoints > 300, $"only {checkedPoints} keypoints landed inside the crops");
    }

    [Fact]
    public void SamplesAreAFunctionOfSeedEpochAndIndex()
    {
        using var dir = new TestData.TempDir();
        var data = KeypointDataset.Load(SyntheticPoseData.WriteStills(dir.Path, 3));
        var codec = new DarkCodec(64, 64, 16, 16, 1);
        var sampler = new TopDownSampler(data.Schema, codec, InputNormalization.ImageNetRgb, AugmentationOptions.CcSsl, seed: 11);
        using var store = new ImageStore();
        float[] Sample(long epoch, long index)
        {
            var input = new float[3 * 64 * 64];
            sampler.Build(data.Instances[1], store.Get(data.Instances[1].Image), epoch, index, input, new float[17 * 16 * 16], new float[17], new Keypoint[17]);
            return input;
        }
        Assert.Equal(Sample(2, 5), Sample(2, 5));
        Assert.NotEqual(Sample(2, 5), Sample(3, 5));
        Assert.NotEqual(Sample(2, 5), Sample(2, 6));
    }

    [Fact]
    public void LoaderGivesTheSameBatchesInEpochOrderWhateverTheWorkerCountAndReusesBuffers()
    {
        using var dir = new TestData.TempDir();
        var data = KeypointDataset.Load(SyntheticPoseData.WriteStills(dir.Path, 10));
        var sampler = new TopDownSampler(data.Schema, new MsraHeatmapCodec(64, 64, 16, 16, 1), InputNormalization.ImageNetBgr, AugmentationOptions.Standard, seed: 3);
        using var store = new ImageStore();
        List<(int Number, int[] Instances, float[] Images, float[] Targets)> Run(int workers)
        {
            using var loader = new BatchLoader(data, sampler, store, batchSize: 4, workers: workers, capacity: 2);
            var got = new List<(int, int[], float[], float[])>();
            for (int epoch = 0; epoch < 3; epoch++)
                foreach (var b in loader.Epoch(epoch))
                {
                    got.Add((b.Number, b.Instances[..b.Count], b.Images[..(b.Count * 3 * 64 * 64)], b.Targets[..(b.Count * 17 * 16 * 16)]));
                    loader.Return(b);
                }
            Assert.InRange(loader.Allocated, 1, 2 + workers + 1);
            return got;
        }
        var one = Run(1);
        var three = Run(3);
        Assert.Equal(9, one.Count); // 3 epochs × ⌈10/4⌉
        Assert.Equal(new[] { 0, 1, 2, 0, 1, 2, 0, 1, 2 }, one.Select(b => b.Number));
        Assert.Equal(4, one[2].Instances.Length + 2); // the last batch of an epoch holds the remaining 2
        for (int i = 0; i < one.Count; i++)
        {
            Assert.Equal(one[i].Instances, three[i].Instances);
            Assert.Equal(one[i].Images, three[i].Images);
            Assert.Equal(one[i].Targets, three[i].Targets);
        }
        Assert.NotEqual(one[0].Instances, one[3].Instances); // each epoch its own order
        Assert.Equal(Enumerable.Range(0, 10), one.Take(3).SelectMany(b => b.Instances).Order());
    }

    [Fact]
    public void MissingImagesAreSkippedAndCountedUpToOnePercentThenRefused()
    {
        using var dir = new TestData.TempDir();
        var json = SyntheticPoseData.WriteStills(dir.Path, 3);
        File.Delete(Path.Combine(dir.Path, "images", "img0001.png"));
        var e = Assert.Throws<DatasetException>(() => KeypointDataset.Load(json));
        Assert.Contains("1 of 3 image files are missing", e.Message);
        Assert.Contains("img0001.png", e.Message);
    }

    [Fact]
    public void ACorruptImageIsNamed()
    {
        using var dir = new TestData.TempDir();
        var json = SyntheticPoseData.WriteStills(dir.Path, 2);
        File.WriteAllText(Path.Combine(dir.Path, "images", "img0000.png"), "not a png");
        var data = KeypointDataset.Load(json);
        using var store = new ImageStore();
        var e = Assert.Throws<DatasetException>(() => store.Get(data.Instances[0].Image));
        Assert.Contains("img0000.png: not a readable image", e.Message);
    }

    [Fact]
    public void ASchemaOtherThanTheDatasetsIsRefusedNamingTheCategory()
    {
        using var dir = new TestData.TempDir();
        var json = SyntheticPoseData.WriteStills(dir.Path, 1);
        var e = Assert.Throws<DatasetException>(() => KeypointDataset.Load(json, schema: KeypointSchema.Quadruped18));
        Assert.Contains("categories[0] 'person' has 17 keypoints, but the schema quadruped18 (the net's output) has 18", e.Message);
    }
}
