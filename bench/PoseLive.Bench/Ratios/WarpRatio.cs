using System.Diagnostics;
using System.Globalization;
using OpenCvSharp;
using PoseLive.Media;
using PoseLive.Pose;
using PoseLive.Pose.Geometry;

namespace PoseLive.Bench.Ratios;

/// <summary>
/// Person-crop sampling on a real frame (vtest.avi frame 200, 768×576 RGB24): 32 crops, 192×256 input,
/// rotations 0° and 30°, some reaching past the frame edge, ImageNet RGB normalisation into one NCHW
/// float tensor. PoseLive's <see cref="CropSampler"/> against OpenCV doing the same work
/// (<see cref="OpenCvCropSampler"/>), one thread each (OpenCV's own thread pool also reported), best
/// of N with alternating order; plus how far the two tensors differ (OpenCV quantises bilinear weights
/// to 1/32 of a pixel).
/// </summary>
internal static class WarpRatio
{
    private const int Crops = 32, InputWidth = 192, InputHeight = 256, FrameIndex = 200;

    public static int Run(string path, int rounds)
    {
        var inv = CultureInfo.InvariantCulture;
        var (rgb, width, height, stride) = ReadFrame(path, FrameIndex);
        var crops = MakeCrops(width, height);
        var norm = InputNormalization.ImageNetRgb;
        var ours = new float[Crops * 3 * InputHeight * InputWidth];
        var theirs = new float[ours.Length];
        using var opencv = new OpenCvCropSampler(rgb, width, height, stride, Crops, InputWidth, InputHeight, norm, theirs);

        double Ours() { var sw = Stopwatch.StartNew(); CropSampler.Crop(rgb, width, height, stride, crops, norm, ours); return sw.Elapsed.TotalMilliseconds; }
        double Theirs() { var sw = Stopwatch.StartNew(); opencv.Crop(crops); return sw.Elapsed.TotalMilliseconds; }

        int defaultThreads = Cv2.GetNumThreads();
        Cv2.SetNumThreads(1);
        Ours(); Theirs(); // warm-up: JIT, OpenCV's first-call set-up
        double bestOurs = double.MaxValue, bestTheirs = double.MaxValue;
        for (int r = 0; r < rounds; r++)
        {
            // alternate the order so neither side always runs on a warmer cache
            if (r % 2 == 0) { bestOurs = Math.Min(bestOurs, Ours()); bestTheirs = Math.Min(bestTheirs, Theirs()); }
            else { bestTheirs = Math.Min(bestTheirs, Theirs()); bestOurs = Math.Min(bestOurs, Ours()); }
        }
        double bestWarpOnly = double.MaxValue;
        for (int r = 0; r < rounds; r++) { var sw = Stopwatch.StartNew(); opencv.WarpOnly(crops); bestWarpOnly = Math.Min(bestWarpOnly, sw.Elapsed.TotalMilliseconds); }
        Cv2.SetNumThreads(defaultThreads);
        double bestPool = double.MaxValue;
        Theirs();
        for (int r = 0; r < rounds; r++) bestPool = Math.Min(bestPool, Theirs());

        Ours(); Theirs(); // both tensors from the same crops, for the comparison
        var (maxDiff, meanDiff, maxGrey, meanGrey, differing) = Compare(ours, theirs, norm);
        Console.WriteLine(string.Format(inv, "warp: {0} crops {1}x{2} (rotations 0 and 30 deg) from {3} frame {4} ({5}x{6} RGB24, stride {7}), ImageNet RGB, NCHW float, best of {8}",
            Crops, InputWidth, InputHeight, Path.GetFileName(path), FrameIndex, width, height, stride, rounds));
        Console.WriteLine(string.Format(inv, "  PoseLive CropSampler.Crop        : {0,7:F3} ms/crop  ({1,7:F2} ms for {2})", bestOurs / Crops, bestOurs, Crops));
        Console.WriteLine(string.Format(inv, "  OpenCV warpAffine+mix+convertTo  : {0,7:F3} ms/crop  ({1,7:F2} ms for {2}), 1 thread", bestTheirs / Crops, bestTheirs, Crops));
        Console.WriteLine(string.Format(inv, "    of which warpAffine alone      : {0,7:F3} ms/crop, mixChannels + convertTo {1:F3} ms/crop", bestWarpOnly / Crops, (bestTheirs - bestWarpOnly) / Crops));
        Console.WriteLine(string.Format(inv, "  OpenCV, its own pool ({0} threads) : {1,7:F3} ms/crop  ({2,7:F2} ms for {3})", defaultThreads, bestPool / Crops, bestPool, Crops));
        Console.WriteLine(string.Format(inv, "  ratio (OpenCV time / PoseLive time, 1 thread each): {0:F3}   (> 1: PoseLive faster)", bestTheirs / bestOurs));
        Console.WriteLine(string.Format(inv, "  |PoseLive - OpenCV|: max {0:F5}, mean {1:F6} (normalised units); max {2:F3}, mean {3:F4} grey levels; {4:F2}% of values differ by > 0.5 grey level",
            maxDiff, meanDiff, maxGrey, meanGrey, 100.0 * differing / ours.Length));
        return 0;
    }

    private static (byte[] Rgb, int Width, int Height, int Stride) ReadFrame(string path, int index)
    {
        using var source = VideoSource.Open(path, new VideoSourceOptions { OutputFormat = PixelFormat.Rgb24 });
        for (int i = 0; ; i++)
        {
            using var frame = source.ReadFrame() ?? throw new InvalidOperationException($"{path} has fewer than {index + 1} frames.");
            if (i < index) continue;
            var copy = new byte[frame.Stride * frame.Height];
            frame.Buffer.AsSpan(0, copy.Length).CopyTo(copy);
            return (copy, frame.Width, frame.Height, frame.Stride);
        }
    }

    /// <summary>Person-sized boxes across the frame, a few cut by its edges; every other one rotated 30°.</summary>
    private static List<TopDownCrop> MakeCrops(int width, int height)
    {
        var rng = new Random(200);
        var crops = new List<TopDownCrop>(Crops);
        for (int i = 0; i < Crops; i++)
        {
            float h = (float)(60 + rng.NextDouble() * 260), w = h * (float)(0.3 + rng.NextDouble() * 0.4);
            float x = (float)(rng.NextDouble() * (width + w) - w * 0.75), y = (float)(rng.NextDouble() * (height + h) - h * 0.75);
            crops.Add(TopDownCrop.FromBox(new BoundingBox(x, y, w, h), InputWidth, InputHeight, rotation: i % 2 == 0 ? 0 : 30));
        }
        return crops;
    }

    private static (double Max, double Mean, double MaxGrey, double MeanGrey, long Differing) Compare(float[] a, float[] b, InputNormalization norm)
    {
        double max = 0, sum = 0, maxGrey = 0, sumGrey = 0;
        long differing = 0;
        int plane = InputWidth * InputHeight;
        for (int i = 0; i < a.Length; i++)
        {
            double d = Math.Abs((double)a[i] - b[i]);
            double grey = d * norm.Std[i / plane % 3];
            max = Math.Max(max, d);
            maxGrey = Math.Max(maxGrey, grey);
            sum += d;
            sumGrey += grey;
            if (grey > 0.5) differing++;
        }
        return (max, sum / a.Length, maxGrey, sumGrey / a.Length, differing);
    }
}
