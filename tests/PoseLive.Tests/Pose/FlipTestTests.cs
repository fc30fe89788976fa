using PoseLive.Pose;
using PoseLive.Pose.Codecs;

namespace PoseLive.Tests.Pose;

/// <summary>Flip-test alignment: measured residual bias per convention equals the theory (0.75 → 0.25 → 0 px).</summary>
public class FlipTestTests
{
    private const int InW = 192, InH = 256, HmW = 48, HmH = 64;

    private static float[] Gaussian(double mx, double my)
    {
        var map = new float[HmW * HmH];
        HeatmapMath.DrawGaussian(map, HmW, HmH, mx, my, 2.0);
        return map;
    }

    /// <summary>Mean signed x error (heatmap px) of the flipped-back map of a perfect network, decoded with DARK.</summary>
    private static double Residual(bool udp, FlipAlignment alignment)
    {
        var dark = new DarkCodec(InW, InH, HmW, HmH);
        var rng = new Random(11);
        double sum = 0;
        const int n = 200;
        var back = new float[HmW * HmH];
        for (int i = 0; i < n; i++)
        {
            double x = 40 + rng.NextDouble() * 110, y = 40 + rng.NextDouble() * 170;   // input px
            double toHmX = udp ? (HmW - 1.0) / (InW - 1.0) : 1.0 / 4, toHmY = udp ? (HmH - 1.0) / (InH - 1.0) : 1.0 / 4;
            double flippedX = InW - 1 - x;                                              // the same point in the mirrored input
            var flippedOutput = Gaussian(flippedX * toHmX, y * toHmY);                 // a perfect network's answer there
            FlipTest.FlipBack(flippedOutput, back, HmW, HmH, 1, [0], alignment);
            var (px, py, _) = HeatmapMath.Argmax(back, HmW);
            var (dx, _) = dark.Refine(back, px, py);
            sum += dx - x * toHmX;
        }
        return sum / n;
    }

    [Fact]
    public void Standard_convention_without_shift_is_off_by_three_quarters()
    {
        Assert.Equal(-0.75, Residual(udp: false, FlipAlignment.None), 2);
    }

    [Fact]
    public void Classical_one_pixel_shift_leaves_a_quarter()
    {
        Assert.Equal(0.25, Residual(udp: false, FlipAlignment.ShiftOnePixel), 2);
    }

    [Fact]
    public void Udp_convention_is_exact()
    {
        Assert.Equal(0.0, Residual(udp: true, FlipAlignment.None), 2);
    }

    [Fact]
    public void Flip_back_swaps_left_and_right_channels_and_negates_x_offsets()
    {
        const int w = 4, h = 2, plane = w * h;
        var flipped = new float[3 * 3 * plane]; // 3 keypoints × [map, offx, offy]
        for (int k = 0; k < 3; k++)
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < plane; i++) flipped[(k * 3 + c) * plane + i] = 100 * k + 10 * c + i % w;
        var back = new float[flipped.Length];
        FlipTest.FlipBack(flipped, back, w, h, 3, [0, 2, 1], FlipAlignment.None); // keypoints 1 and 2 are a left/right pair

        Assert.Equal([3f, 2f, 1f, 0f], back.AsSpan(0, w).ToArray());                  // kp 0 map, mirrored
        Assert.Equal([203f, 202f, 201f, 200f], back.AsSpan(3 * plane, w).ToArray());  // kp 1 now holds kp 2's map
        Assert.Equal([-213f, -212f, -211f, -210f], back.AsSpan(4 * plane, w).ToArray()); // its x offsets negated
        Assert.Equal([223f, 222f, 221f, 220f], back.AsSpan(5 * plane, w).ToArray());  // y offsets kept
    }

    [Fact]
    public void Mirroring_an_input_twice_is_the_identity()
    {
        var input = Enumerable.Range(0, 3 * 5 * 7).Select(i => (float)i).ToArray();
        var once = new float[input.Length];
        var twice = new float[input.Length];
        FlipTest.MirrorPlanes(input, once, 7, 5);
        FlipTest.MirrorPlanes(once, twice, 7, 5);
        Assert.Equal(6f, once[0]);
        Assert.Equal(input, twice);
    }
}
