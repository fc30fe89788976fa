using System.Diagnostics;
using System.Globalization;
using PoseLive.Synthetic;
using PoseLive.Training.Runs;

namespace PoseLive.Bench.Ratios;

/// <summary>
/// Synthetic data against the training it feeds, one sitting: `poselive synth` makes COUNT basic-style 640×480 horses,
/// then one epoch of LPN-50 at 256×256 (CC-SSL's input) trains on exactly those images; the ratio is generation time
/// over epoch time (the bar: at most 0.2). Photo style is timed too (its ratio against the same epoch).
/// </summary>
internal static class SynthRatio
{
    private sealed class Epochs : ITrainingObserver
    {
        public double Seconds, ImagesPerSecond;
        public void EpochFinished(EpochRecord record) => (Seconds, ImagesPerSecond) = (record.TrainSeconds, record.ImagesPerSecond);
    }

    public static int Run(int count, string net)
    {
        var root = Path.Combine(Path.GetTempPath(), "poselive-synth-ratio-" + Environment.ProcessId);
        try
        {
            var inv = CultureInfo.InvariantCulture;
            double Generate(SynthStyle style)
            {
                var dir = Path.Combine(root, style.ToString().ToLowerInvariant());
                var sw = Stopwatch.StartNew();
                var result = new SynthGenerator(new SynthOptions { Count = count, Style = style, Seed = 3 }, dir).Run();
                double s = sw.Elapsed.TotalSeconds;
                Console.WriteLine(string.Format(inv, "synth {0}: {1} images 640x480 in {2:F1} s = {3:F1} images/s", style.ToString().ToLowerInvariant(), result.Images, s, result.Images / s));
                return s;
            }
            double basic = Generate(SynthStyle.Basic);
            double photo = Generate(SynthStyle.Photo);
            var observer = new Epochs();
            var sw = Stopwatch.StartNew();
            new Trainer(new TrainingOptions
            {
                Train = Path.Combine(root, "basic", SynthGenerator.AnnotationsName),
                Net = net, InputWidth = 256, InputHeight = 256, Epochs = 1, Augmentation = "ccssl", ValidateEvery = 1000,
                Output = Path.Combine(root, "run"),
            }, observer).Run(resume: false);
            double wall = sw.Elapsed.TotalSeconds;
            Console.WriteLine(string.Format(inv, "train {0} 256x256, 1 epoch on the {1} basic images: {2:F1} s of steps ({3:F2} images/s), {4:F1} s with loading and checkpoint",
                net, count, observer.Seconds, observer.ImagesPerSecond, wall));
            Console.WriteLine(string.Format(inv, "ratio basic synth / epoch = {0:F3} (bar ≤ 0.2; {1:F3} against the steps alone); photo synth / epoch = {2:F3} ({3:F3})",
                basic / wall, basic / observer.Seconds, photo / wall, photo / observer.Seconds));
            return 0;
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }
}
