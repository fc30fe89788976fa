using PoseLive.Inference;
using PoseLive.Media;
using PoseLive.Pose;
using PoseLive.Pose.Codecs;
using PoseLive.Tests.TestSupport;
using PoseLive.Training.Tensors;

namespace PoseLive.Tests.Pose;

/// <summary>MoveNet's heads as a codec pair: what the encoder writes, the decoder (MoveNet's own) reads back.</summary>
[Collection("libtorch")]
public class MoveNetCodecTests
{
    private static Keypoint[] Person(Random rng, int k, float size)
    {
        // a standing person filling the middle of the crop, keypoints spread over its box, some unlabelled
        var kps = new Keypoint[k];
        for (int j = 0; j < k; j++)
            kps[j] = j % 7 == 3 ? Keypoint.Missing
                : new Keypoint((float)(size * (0.35 + 0.3 * rng.NextDouble())), (float)(size * (0.12 + 0.76 * j / (k - 1.0) + 0.02 * rng.NextDouble())), 1);
        return kps;
    }

    [Theory]
    [InlineData(192, 48)]
    [InlineData(256, 64)]
    public void Encode_then_decode_returns_every_labelled_keypoint(int input, int cells)
    {
        var codec = new MoveNetCodec(input, cells, 17);
        var rng = new Random(5);
        var target = new float[codec.OutputChannels(17) * cells * cells];
        var weights = new float[17];
        var decoded = new Keypoint[17];
        for (int trial = 0; trial < 20; trial++)
        {
            var kps = Person(rng, 17, input);
            codec.Encode(kps, target, weights);
            codec.Decode(target, decoded);
            for (int j = 0; j < 17; j++)
            {
                if (kps[j].IsMissing) { Assert.Equal(0, weights[j]); continue; }
                Assert.Equal(1, weights[j]);
                Assert.True(Math.Abs(decoded[j].X - kps[j].X) < 1e-3 && Math.Abs(decoded[j].Y - kps[j].Y) < 1e-3,
                    $"trial {trial} keypoint {j}: ({decoded[j].X}, {decoded[j].Y}) vs ({kps[j].X}, {kps[j].Y})");
                Assert.InRange(decoded[j].Score, MoveNetCodec.OffsetSupport, 1f); // the target heatmap where the decoder looked
            }
        }
    }

    [Fact]
    public void A_given_person_box_places_the_centre_and_sizes_the_gaussians_and_decoding_still_returns_the_keypoints()
    {
        // only the head is labelled: the keypoints' own box would put the centre at the head; the person box puts it mid-body
        var codec = new MoveNetCodec(192, 48, 17);
        var kps = Enumerable.Range(0, 17).Select(j => j < 5 ? new Keypoint(90 + 3 * j, 40 + j, 1) : Keypoint.Missing).ToArray();
        var person = new BoundingBox(60, 20, 72, 152); // centre (96, 96) → cell (24, 24)
        var target = new float[codec.OutputChannels(17) * 48 * 48];
        var weights = new float[17];
        codec.Encode(kps, person, target, weights);
        const int plane = 48 * 48;
        var (cx, cy, peak) = HeatmapMath.Argmax(target.AsSpan(17 * plane, plane), 48);
        Assert.Equal((24, 24, 1f), (cx, cy, peak));
        Assert.Equal(codec.SigmaFor(152, 72), codec.SigmaFor(person.Height, person.Width));
        // the Gaussian's width follows the person box: its value one cell beside the peak is exp(−1 / 2σ²)
        Assert.Equal(Math.Exp(-1 / (2 * Math.Pow(codec.SigmaFor(152, 72), 2))), target[17 * plane + 24 * 48 + 25], 5);
        var decoded = new Keypoint[17];
        codec.Decode(target, decoded);
        for (int j = 0; j < 5; j++) Assert.True(Math.Abs(decoded[j].X - kps[j].X) < 1e-3 && Math.Abs(decoded[j].Y - kps[j].Y) < 1e-3, $"keypoint {j}");
        Assert.Equal([1f, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], weights);
    }

    [Fact]
    public void Sigma_follows_the_cornernet_radius_of_the_person_box()
    {
        // gaussian_radius((h, w), 0.7) for a 40×16-cell box: the roots are 53.9, 104.7 and 6.34 (CenterNet's third,
        // (b3 + √(b3² − 4·a3·c3)) / 2 with b3 = −2·0.7·56, a3 = 2.8, c3 = −0.3·640)
        double r = MoveNetCodec.GaussianRadius(40, 16, 0.7);
        Assert.Equal(6.34, r, 2);
        var codec = new MoveNetCodec(192, 48, 17);
        Assert.Equal((2 * 6 + 1) / 6.0, codec.SigmaFor(160, 64), 6); // 40×16 cells at stride 4
    }

    [Fact]
    public void Real_thunder_offsets_hold_position_minus_cell_around_each_keypoint_as_the_encoder_writes()
    {
        // Decode the pretrained Thunder on a real crop, then compare its offset heads around each confident keypoint
        // with what the encoder writes there for that keypoint (position − cell).
        var (card, path) = RealModels.Get("movenet-thunder");
        using var source = VideoSource.Open(MediaFiles.Sample("messi5.jpg"));
        using var frame = source.ReadFrame()!;
        var crop = PoseLive.Pose.Geometry.TopDownCrop.FromBox(new BoundingBox(84, 45, 368, 300), 256, 256, 1.25);
        var input = new int[256 * 256 * 3];
        PoseLive.Pose.Geometry.CropSampler.CropNhwcInt32(frame.Plane(0), frame.Width, frame.Height, frame.Stride, [crop], input);
        using var session = InferenceSession.FromFile(path);
        using var x = OrtTensor.Create(input, 1, 256, 256, 3);
        var outputs = session.Run(new Dictionary<string, OrtTensor> { [card.Input.Name] = x });
        var heads = new[] { "heatmaps", "centers", "regression", "offsets" }.ToDictionary(n => n, n => outputs[n].ToArray<float>());
        foreach (var o in outputs.Values) o.Dispose();
        const int cells = 64, plane = cells * cells;
        var decoded = new Keypoint[17];
        MoveNetDecoder.Decode(heads["heatmaps"], heads["centers"], heads["regression"], heads["offsets"], 17, cells, 256, 256, decoded);

        var codec = new MoveNetCodec(256, cells, 17);
        var target = new float[codec.OutputChannels(17) * plane];
        codec.Encode(decoded.Select(k => k.Score >= 0.3f ? k : Keypoint.Missing).ToArray(), target, new float[17]);
        double sum = 0;
        int count = 0;
        for (int j = 0; j < 17; j++)
        {
            if (decoded[j].Score < 0.3f) continue;
            int kx = (int)(decoded[j].X / 4), ky = (int)(decoded[j].Y / 4);
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++)
                {
                    int cell = (ky + dy) * cells + kx + dx;
                    for (int axis = 0; axis < 2; axis++)
                    {
                        int p = (3 * 17 + 1 + 2 * j + axis) * plane + cell;
                        sum += Math.Abs(heads["offsets"][(2 * j + axis) * plane + cell] - target[p]);
                        count++;
                    }
                }
        }
        Assert.True(count >= 9 * 2 * 12, $"only {count / 18} confident keypoints");
        Assert.True(sum / count < 0.25, $"Thunder's offsets differ from position − cell by {sum / count:F3} cells on average");
    }

    [Fact]
    public void Loss_is_zero_on_regression_and_offsets_at_the_target_and_ignores_unlabelled_planes()
    {
        var codec = new MoveNetCodec(192, 48, 17);
        var kps = Person(new Random(2), 17, 192);
        int channels = codec.OutputChannels(17), plane = 48 * 48;
        var target = new float[channels * plane];
        var weights = new float[17];
        codec.Encode(kps, target, weights);
        using var scope = new DisposeScope();
        var t = Tensor.FromArray(target, 1, channels, 48, 48);
        var w = Tensor.FromArray(weights, 1, 17);
        var (total, heat, centre, regression, offsets) = MoveNetLoss.Terms(t, t, w);
        Assert.Equal(0, regression.Item(), 6);
        Assert.Equal(0, offsets.Item(), 6);
        // the focal terms are far lower at the target than at a flat 0.5 guess
        var flat = Tensor.FromArray(Enumerable.Repeat(0.5f, target.Length).ToArray(), 1, channels, 48, 48);
        var (_, heatFlat, centreFlat, _, _) = MoveNetLoss.Terms(flat, t, w);
        Assert.True(heat.Item() < 0.1 * heatFlat.Item() && centre.Item() < 0.1 * centreFlat.Item(),
            $"focal terms at the target {heat.Item():F3}/{centre.Item():F3} vs flat {heatFlat.Item():F3}/{centreFlat.Item():F3}");

        // a wrong regression at the centre moves the loss by |error| / labelled pairs; noise in an unlabelled keypoint's planes does nothing
        var wrong = (float[])target.Clone();
        int unlabelled = Array.IndexOf(weights, 0f);
        Assert.True(unlabelled >= 0);
        for (int i = 0; i < plane; i++) wrong[unlabelled * plane + i] = 0.7f;
        var centreCell = Array.IndexOf(target, 1f, 17 * plane) - 17 * plane;
        wrong[(18 + 0) * plane + centreCell] += 2f; // keypoint 0's y regression is off by 2 cells
        var (_, heat2, _, regression2, _) = MoveNetLoss.Terms(Tensor.FromArray(wrong, 1, channels, 48, 48), t, w);
        Assert.Equal(heat.Item(), heat2.Item(), 6);
        Assert.Equal(2.0 / (2 * weights.Sum()), regression2.Item(), 3);
    }
}
