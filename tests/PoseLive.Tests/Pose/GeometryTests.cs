using PoseLive.Pose;
using PoseLive.Pose.Geometry;

namespace PoseLive.Tests.Pose;

/// <summary>Box → crop, affine maps in both conventions, and crop-and-resize sampling.</summary>
public class GeometryTests
{
    [Fact]
    public void Box_is_padded_to_the_input_aspect_and_scaled_by_pixel_std()
    {
        var crop = TopDownCrop.FromBox(new BoundingBox(100, 50, 60, 200), 192, 256);
        Assert.Equal(130, crop.CenterX, 9);
        Assert.Equal(150, crop.CenterY, 9);
        Assert.Equal(150.0 / 200 * 1.25, crop.ScaleX, 9); // width raised to 0.75 × 200
        Assert.Equal(200.0 / 200 * 1.25, crop.ScaleY, 9);
        var wide = TopDownCrop.FromBox(new BoundingBox(0, 0, 300, 100), 192, 256, padding: 1);
        Assert.Equal(400.0 / 200, wide.ScaleY, 9);          // height raised to 300 / 0.75
    }

    [Fact]
    public void Degenerate_boxes_give_valid_crops_and_non_finite_ones_are_rejected()
    {
        var point = TopDownCrop.FromBox(new BoundingBox(50, 60, 0, 0), 192, 256);
        var (x, y) = point.InputToImage.Apply(96, 128);
        Assert.True(Math.Abs(x - 50) < 1e-9 && Math.Abs(y - 60) < 1e-9, $"({x}, {y})");
        var line = TopDownCrop.FromBox(new BoundingBox(50, 60, 0, 40), 192, 256);
        Assert.True(line.ScaleX > 0 && line.ScaleY > 0);
        Assert.Throws<ArgumentException>(() => TopDownCrop.FromBox(new BoundingBox(float.NaN, 0, 10, 10), 192, 256));
    }

    [Theory]
    [InlineData(CropConvention.Standard, 0)]
    [InlineData(CropConvention.Standard, 37)]
    [InlineData(CropConvention.UnbiasedDataProcessing, 0)]
    [InlineData(CropConvention.UnbiasedDataProcessing, -25)]
    public void Crop_then_inverse_returns_every_point_within_1e4_px(CropConvention convention, double rotation)
    {
        var rng = new Random(5);
        for (int c = 0; c < 20; c++)
        {
            var box = new BoundingBox((float)(rng.NextDouble() * 500), (float)(rng.NextDouble() * 300), (float)(20 + rng.NextDouble() * 200), (float)(20 + rng.NextDouble() * 300));
            var crop = TopDownCrop.FromBox(box, 192, 256, rotation: rotation, convention: convention);
            var there = crop.ImageToInput;
            var back = crop.InputToImage;
            for (int i = 0; i < 50; i++)
            {
                double x = rng.NextDouble() * 800 - 50, y = rng.NextDouble() * 600 - 50;
                var (ix, iy) = there.Apply(x, y);
                var (bx, by) = back.Apply(ix, iy);
                Assert.True(Math.Abs(bx - x) <= 1e-4 && Math.Abs(by - y) <= 1e-4, $"({x},{y}) came back as ({bx},{by})");
            }
        }
    }

    [Fact]
    public void Conventions_map_the_box_onto_the_input_as_defined()
    {
        var box = new BoundingBox(10, 20, 150, 200);                       // already 3:4
        var standard = TopDownCrop.FromBox(box, 192, 256, padding: 1).ImageToInput;
        var udp = TopDownCrop.FromBox(box, 192, 256, padding: 1, convention: CropConvention.UnbiasedDataProcessing).ImageToInput;
        AssertPoint((96, 128), standard.Apply(85, 120));                   // centre → (W/2, H/2)
        AssertPoint((0, 0), standard.Apply(10, 20));
        AssertPoint((192, 256), standard.Apply(160, 220));
        AssertPoint((95.5, 127.5), udp.Apply(85, 120));                    // centre → ((W−1)/2, (H−1)/2)
        AssertPoint((0, 0), udp.Apply(10, 20));
        AssertPoint((191, 255), udp.Apply(160, 220));                      // unit length: box → [0, W−1]
    }

    [Fact]
    public void Rotation_turns_the_same_way_in_both_conventions()
    {
        var box = new BoundingBox(0, 0, 150, 200);
        foreach (var convention in new[] { CropConvention.Standard, CropConvention.UnbiasedDataProcessing })
        {
            var m = TopDownCrop.FromBox(box, 192, 256, padding: 1, rotation: 90, convention: convention).ImageToInput;
            var (cx, cy) = m.Apply(75, 100);
            var (rx, ry) = m.Apply(75 + 50, 100);                         // a point right of the centre…
            Assert.True(Math.Abs(rx - cx) < 1e-9, convention.ToString());
            Assert.True(ry < cy - 40, convention.ToString());              // …lands above it after +90°
        }
    }

    [Fact]
    public void Sampler_copies_pixels_exactly_under_an_integer_translation()
    {
        const int w = 12, h = 10, stride = 40;
        var rgb = new byte[stride * h];
        for (int y = 0; y < h; y++) for (int x = 0; x < w * 3; x++) rgb[y * stride + x] = (byte)(y * 20 + x);
        // a crop whose box is exactly 4x4 px at (2,3): input 4x4 → identity scale, translation (−2, −3)
        var crop = new TopDownCrop(4, 5, 4 / 200.0, 4 / 200.0, 0, 4, 4);
        var output = new float[3 * 16];
        CropSampler.Crop(rgb, w, h, stride, [crop], InputNormalization.Raw255Rgb, output);
        for (int y = 0; y < 4; y++)
        for (int x = 0; x < 4; x++)
        for (int c = 0; c < 3; c++)
            Assert.Equal(rgb[(y + 3) * stride + (x + 2) * 3 + c], output[c * 16 + y * 4 + x]);
    }

    [Fact]
    public void Sampler_interpolates_bilinearly_normalises_orders_channels_and_zero_fills_outside()
    {
        var rgb = new byte[] { 0, 100, 200, 50, 150, 250 };                // 2x1 image
        // 2-px-wide box centred at x = 0.5 onto a 4-px input: x_img = x_in / 2 − 0.5 → samples at −0.5, 0, 0.5, 1
        var crop = new TopDownCrop(0.5, 0.25, 2 / 200.0, 0.5 / 200.0, 0, 4, 1); // y_in = 0 → y_img = 0
        var output = new float[12];
        var norm = new InputNormalization([10, 20, 30], [2, 4, 5], ChannelOrder.Bgr);
        CropSampler.Crop(rgb, 2, 1, 6, [crop], norm, output);
        // output channel 0 = blue (BGR): −0.5 → half outside: 0·½ + 200·½ = 100; 0 → 200; 0.5 → 225; 1 → 250
        Assert.Equal([(100f - 10) / 2, (200f - 10) / 2, (225f - 10) / 2, (250f - 10) / 2], output.AsSpan(0, 4).ToArray());
        // channel 1 = green at 0.5: (100 + 150) / 2 = 125 → (125 − 20) / 4
        Assert.Equal((125f - 20) / 4, output[4 + 2], 4);
        // channel 2 = red at 0.5: (0 + 50) / 2 = 25 → (25 − 30) / 5
        Assert.Equal((25f - 30) / 5, output[8 + 2], 4);
    }

    [Fact]
    public void Sampler_writes_nhwc_int32_for_movenet_and_batches_crops()
    {
        var rgb = new byte[4 * 4 * 3];
        for (int i = 0; i < rgb.Length; i++) rgb[i] = (byte)(i * 5);
        var a = new TopDownCrop(2, 2, 4 / 200.0, 4 / 200.0, 0, 4, 4);
        var b = new TopDownCrop(2, 2, 8 / 200.0, 8 / 200.0, 0, 4, 4);     // zoomed out: half the pixels are outside
        var output = new int[2 * 4 * 4 * 3];
        CropSampler.CropNhwcInt32(rgb, 4, 4, 12, [a, b], output);
        Assert.Equal(rgb.Select(v => (int)v).ToArray(), output.AsSpan(0, 48).ToArray());
        Assert.Equal(0, output[48]);                                       // crop b's corner lies outside the image
        Assert.Throws<ArgumentException>(() => CropSampler.CropNhwcInt32(rgb, 4, 4, 12, [a, b], new int[47]));
    }

    private static void AssertPoint((double X, double Y) expected, (double X, double Y) actual)
    {
        Assert.Equal(expected.X, actual.X, 6);
        Assert.Equal(expected.Y, actual.Y, 6);
    }
}
