using System.Globalization;
using PoseLive.Training.Runs;

namespace PoseLive.Training.Adaptation;

/// <summary>The finetune jobs' progress lines: one per epoch, with the run's validation metric (held-out AP, or PCK).</summary>
internal sealed class FinetuneEpochLog(TextWriter log, int epochs, string metric) : ITrainingObserver
{
    public void Message(string text) => log.WriteLine("  " + text);

    public void EpochFinished(EpochRecord r) => log.WriteLine(string.Format(CultureInfo.InvariantCulture, "  epoch {0}/{1}: loss {2:G4}, {3:F1} images/s, {4:F0} s{5}",
        r.Epoch, epochs, r.TrainLoss, r.ImagesPerSecond, r.TrainSeconds,
        metric == "ap" ? (r.AP is double ap ? string.Format(CultureInfo.InvariantCulture, "; held-out AP {0:F4}", ap) : "")
        : r.Pck05 is double p ? string.Format(CultureInfo.InvariantCulture, "; PCK@0.05 {0:F3}, PCK@0.1 {1:F3}", p, r.Pck10) : ""));
}
