using System.Diagnostics;
using PoseLive.Detection;
using PoseLive.Estimation;
using PoseLive.Media;

namespace PoseLive.Pipeline.Live;

/// <summary>
/// The live pipeline: capture → pose+track → sinks, one thread each, with the detector on a fourth thread beside
/// the frame path. Capture posts every frame into a one-slot mailbox (an unread frame is dropped and returned to its
/// pool, so the pose stage always takes the newest and nothing queues) and offers it to the detector, which copies
/// it only when a look was asked for. The pose stage estimates the tracked regions every frame within its budget
/// and extrapolates the rest (<see cref="LivePoseStage"/>). Cancelling stops the capture only: the frame in hand
/// is finished and the sinks complete, so outputs are flushed. A failing stage stops the others and
/// <see cref="RunAsync"/> throws its exception.
/// </summary>
public sealed class LivePipeline(IPersonDetector detector, IPoseEstimator estimator, LiveOptions? options = null)
{
    private readonly LiveOptions _o = options ?? new LiveOptions();

    /// <summary>Frames the stages can hold at once: capture, the mailbox, the pose stage, the results queue (4), the sinks.</summary>
    private const int FramesInFlight = 8;

    public PipelineMetrics Metrics { get; } = new();

    public async Task RunAsync(VideoSource source, IReadOnlyList<IFrameSink> sinks, CancellationToken cancellationToken = default)
    {
        using var failure = new CancellationTokenSource();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, failure.Token);
        void Drop(LiveFrame dropped) { dropped.Frame.Dispose(); Metrics.FrameDropped(); }
        var frames = new DropOldestQueue<LiveFrame>(1, Drop);            // the latest frame only: an unread one is dropped
        var storage = new LiveResultPool();
        storage.Reserve(FramesInFlight);
        var results = new DropOldestQueue<LiveResult>(FramesInFlight - 4, dropped => { storage.Return(dropped); Metrics.FrameDropped(); });
        estimator.Prepare(_o.MaxPeople ?? 8);                    // every batch size up front: no allocation or stall mid-stream
        source.Pool.Reserve(FramesInFlight);
        var detect = new LiveDetectStage(detector, Metrics);
        double fps = source.Video.FramesPerSecond is > 0 and var f ? f : 30;
        var pose = new LivePoseStage(estimator, detect, _o, 1 / fps, storage);
        using var wake = failure.Token.Register(() => { frames.Complete(); detect.Complete(); });

        Task Thread(Action body, Action completion) => Task.Factory.StartNew(() =>
        {
            try { body(); }
            catch (Exception) { failure.Cancel(); throw; }
            finally { completion(); }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        var capture = Thread(() =>
        {
            long n = 0;
            while (!stop.IsCancellationRequested && (_o.MaxFrames is not long max || n < max))
            {
                VideoFrame? frame;
                try { frame = source.ReadFrame(stop.Token); }
                catch (OperationCanceledException) { break; }
                if (frame is null) break;
                n++;
                Metrics.FrameDecoded();
                detect.Offer(frame);
                var item = new LiveFrame(frame, Stopwatch.GetTimestamp());
                if (!frames.TryWrite(item)) Drop(item);                   // stopped meanwhile
            }
        }, frames.Complete);
        var detecting = Thread(detect.Run, () => { });
        var posing = Thread(() => pose.Run(frames, results), () => { detect.Complete(); results.Complete(); });
        var sinking = Thread(() =>
        {
            bool failed = false;
            try
            {
                while (results.TryTake(out var done))
                {
                    try
                    {
                        var r = done.Result;
                        for (int i = 0; i < sinks.Count; i++) sinks[i].Write(r);      // no enumerator per frame
                        r.Times.SinkEnd = Stopwatch.GetTimestamp();
                        int extrapolated = 0;
                        for (int i = 0; i < r.People.Count; i++) if (r.People[i].Extrapolated) extrapolated++;
                        Metrics.FrameDone(r.Times, false, r.People.Count, extrapolated);
                    }
                    finally { storage.Return(done); }                  // the frame to its pool, the storage for a later frame
                }
            }
            catch { failed = true; throw; }
            finally
            {
                results.Complete();
                while (results.TryTake(out var left)) storage.Return(left);
                foreach (var sink in sinks) sink.Complete(cancelled: failed || cancellationToken.IsCancellationRequested || failure.IsCancellationRequested);
            }
        }, () => { });

        var all = new[] { capture, detecting, posing, sinking };
        try { await Task.WhenAll(all).ConfigureAwait(false); }
        catch { /* the first stage's own exception is thrown below */ }
        finally { frames.Clear(); }
        var faults = all.Where(t => t.IsFaulted).SelectMany(t => t.Exception!.InnerExceptions).ToList();
        if (faults.Count > 0) throw faults[0];
    }
}
