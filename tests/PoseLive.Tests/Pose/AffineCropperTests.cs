using PoseLive.Media;
using PoseLive.Pose;
using PoseLive.Pose.Geometry;
using PoseLive.Tests.TestSupport;

namespace PoseLive.Tests.Pose;

public class AffineCropperTests
{
    [Fact]
    public void OpenCvCropsAgreeWithTheFloatSamplerOnARealFrameWithinItsQuantisation()
    {
        using var source = VideoSource.Open(MediaFiles.Sample("vtest.avi"));
        for (int i = 0; i < 200; i++) source.ReadFrame()!.Dispose();
        using var frame = source.ReadFrame()!;
        var crops = new[]
        {
            TopDownCrop.FromBox(new BoundingBox(300, 120, 70, 180), 192, 256),
            TopDownCrop.FromBox(new BoundingBox(600, 300, 150, 300), 192, 256, rotation: 30),          // reaches past the frame edge
            TopDownCrop.FromBox(new BoundingBox(40, 50, 90, 90), 128, 128, convention: CropConvention.UnbiasedDataProcessing),
        };
        foreach (var crop in crops)
        {
            int n = 3 * crop.InputWidth * crop.InputHeight;
            var exact = new float[n];
            var cv = new float[n];
            CropSampler.Crop(frame.Buffer, frame.Width, frame.Height, frame.Stride, [crop], InputNormalization.Raw255Rgb, exact);
            AffineCropper.Crop(frame.Buffer, frame.Width, frame.Height, frame.Stride, crop.ImageToInput, crop.InputWidth, crop.InputHeight, InputNormalization.Raw255Rgb, cv);
            double max = 0, sum = 0;
            for (int i = 0; i < n; i++) { double d = Math.Abs(exact[i] - cv[i]); max = Math.Max(max, d); sum += d; }
            Assert.True(max <= 8, $"max difference {max:F2} grey levels");   // bilinear weights quantised to 1/32 at sharp edges, 8-bit values
            Assert.True(sum / n <= 0.4, $"mean difference {sum / n:F3} grey levels");
        }
        // normalisation and colour order: BGR ImageNet values are the RGB pixels reordered and scaled
        var c0 = crops[0];
        var raw = new float[3 * 192 * 256];
        var bgr = new float[3 * 192 * 256];
        AffineCropper.Crop(frame.Buffer, frame.Width, frame.Height, frame.Stride, c0.ImageToInput, 192, 256, InputNormalization.Raw255Rgb, raw);
        AffineCropper.Crop(frame.Buffer, frame.Width, frame.Height, frame.Stride, c0.ImageToInput, 192, 256, InputNormalization.ImageNetBgr, bgr);
        int plane = 192 * 256, p = 100 * 192 + 90;
        Assert.Equal((raw[2 * plane + p] - 103.53f) / 57.375f, bgr[p], 4);
        Assert.Equal((raw[p] - 123.675f) / 58.395f, bgr[2 * plane + p], 4);
    }
}
