using PoseLive.Estimation;
using PoseLive.Pose;
using PoseLive.Pose.Codecs;

namespace PoseLive.Tests.Estimation;

/// <summary>MoveNet decoding on synthetic heads whose answer is known.</summary>
public class MoveNetDecoderTests
{
    [Fact]
    public void Centre_regression_weights_the_heatmap_and_offsets_refine_the_cell()
    {
        const int cells = 8, k = 2, plane = cells * cells;
        var heat = new float[k * plane];
        var centers = new float[plane];
        var regression = new float[2 * k * plane];
        var offsets = new float[2 * k * plane];
        centers[3 * cells + 4] = 0.9f;                          // person centre cell (x 4, y 3)
        // keypoint 0: two equal peaks; the regression (→ y 1, x 6) picks the one near (1, 6)
        heat[1 * cells + 6] = 0.8f;
        heat[6 * cells + 1] = 0.8f;
        regression[0 * plane + 3 * cells + 4] = -2f;            // dy
        regression[1 * plane + 3 * cells + 4] = 2f;             // dx
        offsets[0 * plane + 1 * cells + 6] = 0.25f;             // y offset at the chosen cell
        offsets[1 * plane + 1 * cells + 6] = -0.5f;             // x offset
        // keypoint 1: a single weak peak
        heat[plane + 5 * cells + 5] = 0.3f;
        var result = new Keypoint[k];

        MoveNetDecoder.Decode(heat, centers, regression, offsets, k, cells, 192, 192, result);

        Assert.Equal((6 - 0.5f) / cells * 192, result[0].X, 4);
        Assert.Equal((1 + 0.25f) / cells * 192, result[0].Y, 4);
        Assert.Equal(0.8f, result[0].Score);
        Assert.Equal(5f / cells * 192, result[1].X, 4);
        Assert.Equal(0.3f, result[1].Score);
    }
}
