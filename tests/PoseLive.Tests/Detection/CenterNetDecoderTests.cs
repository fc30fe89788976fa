using PoseLive.Detection;

namespace PoseLive.Tests.Detection;

/// <summary>CenterNet decoding on synthetic heads with known boxes.</summary>
public class CenterNetDecoderTests
{
    private const int W = 16, H = 12, Plane = W * H;

    [Fact]
    public void Ltrb_heads_give_boxes_around_the_peak_cell_scaled_to_the_image()
    {
        var heat = new float[2 * Plane];
        heat[5 * W + 7] = 0.9f;             // class 0 peak at (7, 5)
        heat[5 * W + 8] = 0.6f;             // its neighbour: not a peak
        heat[Plane + 2 * W + 2] = 0.8f;     // class 1 peak
        var ltrb = new float[4 * Plane];
        int c = 5 * W + 7;
        ltrb[c] = 10; ltrb[Plane + c] = 20; ltrb[2 * Plane + c] = 6; ltrb[3 * Plane + c] = 4;
        var decoder = new CenterNetDecoder { Heads = CenterNetHeads.Ltrb, Stride = 4, ScoreThreshold = 0.3f, Classes = new HashSet<int> { 0 } };

        var d = Assert.Single(decoder.Decode(heat, 2, H, W, ltrb, default, 2f, 0.5f));

        // centre (28, 20) in input px; box (18, 0) → (34, 24), then ×(2, 0.5) to the image
        Assert.Equal(0.9f, d.Score);
        Assert.Equal(0, d.ClassId);
        Assert.Equal((36f, 0f, 32f, 12f), (d.Box.X, d.Box.Y, d.Box.Width, d.Box.Height));
    }

    [Fact]
    public void Standard_heads_use_sigmoid_size_and_offset_and_nms_removes_overlaps()
    {
        var logits = Enumerable.Repeat(-10f, Plane).ToArray();
        logits[4 * W + 4] = 2f;             // sigmoid 0.881
        logits[4 * W + 6] = 1f;             // sigmoid 0.731: a second peak, overlapping box
        logits[9 * W + 13] = 0.5f;          // sigmoid 0.622: far away
        var wh = new float[2 * Plane];
        var reg = new float[2 * Plane];
        foreach (var i in new[] { 4 * W + 4, 4 * W + 6, 9 * W + 13 }) { wh[i] = 4; wh[Plane + i] = 6; reg[i] = 0.5f; reg[Plane + i] = 0.25f; }
        var decoder = new CenterNetDecoder { Heads = CenterNetHeads.SizeOffset, Stride = 4, ScoreThreshold = 0.5f, NmsIoU = 0.3f };

        var boxes = decoder.Decode(logits, 1, H, W, wh, reg, 1f, 1f);

        Assert.Equal(2, boxes.Count);                                   // the 0.731 box overlaps the best one (IoU 0.33)
        Assert.Equal(1f / (1f + MathF.Exp(-2f)), boxes[0].Score, 6);
        // centre (4.5, 4.25) cells, size 4x6 cells → (2.5, 1.25)-(6.5, 7.25) cells → ×4
        Assert.Equal((10f, 5f, 16f, 24f), (boxes[0].Box.X, boxes[0].Box.Y, boxes[0].Box.Width, boxes[0].Box.Height));
        Assert.Equal(1f / (1f + MathF.Exp(-0.5f)), boxes[1].Score, 6);
    }

    [Fact]
    public void Top_k_and_threshold_limit_the_candidates()
    {
        var heat = new float[Plane];
        for (int i = 0; i < 20; i++) heat[(i / 8) * 2 * W + (i % 8) * 2] = 0.4f + i * 0.01f; // 20 isolated peaks
        var ltrb = Enumerable.Repeat(1f, 4 * Plane).ToArray();
        var decoder = new CenterNetDecoder { TopK = 5, ScoreThreshold = 0.3f, NmsIoU = 1f };
        var boxes = decoder.Decode(heat, 1, H, W, ltrb, default, 1, 1);
        Assert.Equal(5, boxes.Count);
        Assert.Equal(0.59f, boxes[0].Score, 5);
        Assert.Empty(new CenterNetDecoder { ScoreThreshold = 0.95f }.Decode(heat, 1, H, W, ltrb, default, 1, 1));
        Assert.Throws<ArgumentException>(() => decoder.Decode(heat.AsSpan(0, 10), 1, H, W, ltrb, default, 1, 1));
    }
}
