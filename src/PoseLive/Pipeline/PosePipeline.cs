using System.Diagnostics;
using System.Threading.Channels;
using PoseLive.Detection;
using PoseLive.Estimation;
using PoseLive.Media;
using PoseLive.Pose;
using PoseLive.Tracking;

namespace PoseLive.Pipeline;

/// <summary>
/// The real-time pipeline: decode → detect → pose → track+smooth → sinks, each stage a task connected
/// by bounded channels. Offline mode waits on full channels (lossless); live mode drops the oldest frame
/// at the source edge and returns it to its pool. The detector runs every N-th frame (or early when a
/// track is lost); in between, boxes come from the previous frame's keypoints. Media time drives the
/// tracker. Cancelling stops the source only: frames already decoded drain through every stage and the
/// sinks complete, so outputs are flushed. A failing stage faults the run: the others stop, and
/// <see cref="RunAsync"/> throws that stage's exception.
/// </summary>
public sealed class PosePipeline(IPersonDetector detector, IPoseEstimator estimator, PipelineOptions? options = null)
{
    private readonly PipelineOptions _o = options ?? new PipelineOptions();

    public PipelineMetrics Metrics { get; } = new();

    private sealed class Work
    {
        public required VideoFrame Frame;
        public StageTimes Times;
        public IReadOnlyList<DetectedBox>? Detections;
        public IReadOnlyList<PersonPose> Poses = [];
        public FrameResult? Result;
        public IReadOnlyList<(double Time, TrackedPerson Person)> Backfill = [];
    }

    public async Task RunAsync(VideoSource source, IReadOnlyList<IFrameSink> sinks, CancellationToken cancellationToken = default, PipelineResumeState? resume = null)
    {
        using var failure = new CancellationTokenSource();                 // any stage failing stops the others
        using var sourceStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, failure.Token);
        var decoded = NewChannel(_o.Mode == PipelineMode.Live);
        var detected = NewChannel(false);
        var posed = NewChannel(false);
        var tracked = NewChannel(false);
        var tracker = resume?.Tracker ?? new PoseTracker(_o.Tracker);
        int redetect = 0;                                                  // set by the track stage, read by the detect stage
        bool completedSinks = false;

        async Task Stage(ChannelReader<Work>? input, ChannelWriter<Work> output, Func<Work, Work?> step)
        {
            Exception? error = null;
            try
            {
                await foreach (var w in input!.ReadAllAsync(failure.Token).ConfigureAwait(false))
                {
                    try
                    {
                        var next = step(w);
                        if (next is not null) await output.WriteAsync(next, failure.Token).ConfigureAwait(false); // ownership moves on
                    }
                    catch
                    {
                        w.Frame.Dispose(); // the step or the hand-off failed: this stage still owns the frame
                        throw;
                    }
                }
            }
            catch (OperationCanceledException) when (failure.IsCancellationRequested) { }
            catch (Exception e)
            {
                error = e;
                failure.Cancel();
            }
            finally
            {
                output.TryComplete(error);
            }
        }

        var sourceTask = Task.Factory.StartNew(() =>
        {
            Exception? error = null;
            try
            {
                long n = 0;
                while (!sourceStop.IsCancellationRequested && (_o.MaxFrames is not long max || n < max))
                {
                    VideoFrame? frame;
                    try { frame = source.ReadFrame(sourceStop.Token); }
                    catch (OperationCanceledException) { break; }
                    if (frame is null) break;
                    n++;
                    Metrics.FrameDecoded();
                    var w = new Work { Frame = frame, Times = new StageTimes { Decoded = Stopwatch.GetTimestamp() } };
                    if (_o.Mode == PipelineMode.Live) { decoded.Writer.TryWrite(w); continue; } // full: the oldest is dropped
                    try { decoded.Writer.WriteAsync(w, failure.Token).AsTask().GetAwaiter().GetResult(); }
                    catch (OperationCanceledException) { frame.Dispose(); break; }
                }
            }
            catch (Exception e)
            {
                error = e;
                failure.Cancel();
            }
            finally
            {
                decoded.Writer.TryComplete(error);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        long processed = resume?.ProcessedFrames ?? 0, lastDetection = long.MinValue / 2;
        var detectTask = Task.Run(() => Stage(decoded.Reader, detected.Writer, w =>
        {
            // early re-detection (live) at most every other frame, so a busy scene does not detect on every frame
            bool early = processed - lastDetection >= 2 && Interlocked.Exchange(ref redetect, 0) == 1;
            bool run = processed % Math.Max(1, _o.DetectorInterval) == 0 || early;
            if (run) lastDetection = processed;
            processed++;
            if (run)
            {
                w.Times.DetectStart = Stopwatch.GetTimestamp();
                w.Detections = detector.Detect(w.Frame.Plane(0), w.Frame.Width, w.Frame.Height, w.Frame.Stride);
                w.Times.DetectEnd = Stopwatch.GetTimestamp();
            }
            return w;
        }));

        IReadOnlyList<PersonPose> previous = resume?.PreviousPoses ?? [];
        var poseTask = Task.Run(() => Stage(detected.Reader, posed.Writer, w =>
        {
            w.Times.PoseStart = Stopwatch.GetTimestamp();
            var boxes = w.Detections ?? Propagate(previous, w.Frame.Width, w.Frame.Height);
            w.Poses = PoseDeduplication.Apply(estimator.Estimate(w.Frame.Plane(0), w.Frame.Width, w.Frame.Height, w.Frame.Stride, boxes), estimator.Schema.Sigmas);
            previous = w.Poses;
            w.Times.PoseEnd = Stopwatch.GetTimestamp();
            return w;
        }));

        var trackTask = Task.Run(() => Stage(posed.Reader, tracked.Writer, w =>
        {
            var people = tracker.Update(w.Frame.Seconds, w.Poses);
            if (_o.Mode == PipelineMode.Live && _o.RedetectOnLoss && tracker.LostTrackRecently) Volatile.Write(ref redetect, 1);
            w.Backfill = tracker.Backfill;
            w.Times.TrackEnd = Stopwatch.GetTimestamp();
            w.Result = new FrameResult
            {
                FrameIndex = w.Frame.Index, Time = w.Frame.Seconds, Width = w.Frame.Width, Height = w.Frame.Height,
                People = people, RawPoses = w.Poses, Detected = w.Detections is not null, Detections = w.Detections ?? [], Frame = w.Frame, Times = w.Times,
            };
            return w;
        }));

        // Offline back-fill: a frame is written once every frame that could confirm a track seen in it has been tracked
        // (ConfirmHits − 1 frames later), with the people those later frames confirmed added. Live output is causal.
        int holdBack = tracker.Options.Backfill ? Math.Max(0, tracker.Options.ConfirmHits - 1) : 0;
        var held = new Queue<Work>();
        void Emit(Work w)
        {
            try
            {
                foreach (var sink in sinks) sink.Write(w.Result!);
                w.Result!.Times.SinkEnd = Stopwatch.GetTimestamp();
                Metrics.FrameDone(w.Result.Times, w.Result.Detected, w.Result.People.Count);
            }
            finally
            {
                w.Frame.Dispose();
            }
        }
        void Fill(IReadOnlyList<(double Time, TrackedPerson Person)> backfill)
        {
            if (backfill.Count == 0) return;
            foreach (var group in backfill.GroupBy(b => b.Time))
                foreach (var h in held)
                    if (h.Result!.Time == group.Key)
                        h.Result = h.Result.WithPeople([.. h.Result.People.Concat(group.Select(g => g.Person)).OrderBy(p => p.TrackId)]);
        }
        var sinkTask = Task.Run(async () =>
        {
            Exception? error = null;
            try
            {
                await foreach (var w in tracked.Reader.ReadAllAsync(failure.Token).ConfigureAwait(false))
                {
                    held.Enqueue(w);
                    Fill(w.Backfill);
                    while (held.Count > holdBack) Emit(held.Dequeue());
                }
                // the end of the stream (not a stop): nothing is left to confirm the last tracks, so they are kept too.
                // After a stop the held frames are not written: resuming recomputes them exactly.
                if (!cancellationToken.IsCancellationRequested && !failure.IsCancellationRequested)
                {
                    if (holdBack > 0) Fill(tracker.ConfirmRemaining());
                    while (held.Count > 0) Emit(held.Dequeue());
                }
            }
            catch (OperationCanceledException) when (failure.IsCancellationRequested) { }
            catch (Exception e)
            {
                error = e;
                failure.Cancel();
            }
            finally
            {
                while (held.TryDequeue(out var unwritten)) unwritten.Frame.Dispose();
                try { foreach (var sink in sinks) sink.Complete(cancelled: cancellationToken.IsCancellationRequested || error is not null || failure.IsCancellationRequested); }
                finally { completedSinks = true; }
            }
            if (error is not null) throw error;
        });

        var all = new[] { sourceTask, detectTask, poseTask, trackTask, sinkTask };
        try
        {
            await Task.WhenAll(all).ConfigureAwait(false);
        }
        catch
        {
            // fall through: report the stage's own exception below
        }
        finally
        {
            foreach (var channel in new[] { decoded, detected, posed, tracked })
                while (channel.Reader.TryRead(out var leftover)) leftover.Frame.Dispose();  // a faulted run returns its frames too
        }
        Debug.Assert(completedSinks);
        var faults = new[] { decoded, detected, posed, tracked }.Select(c => c.Reader.Completion).Concat(all)
            .Where(t => t.IsFaulted).SelectMany(t => t.Exception!.InnerExceptions).ToList();
        if (faults.Count > 0) throw faults[0];
    }

    private Channel<Work> NewChannel(bool dropOldest)
    {
        // live: one frame per edge, so frames wait at most one stage deep (latency stays bounded)
        var options = new BoundedChannelOptions(_o.Mode == PipelineMode.Live ? 1 : _o.ChannelCapacity)
        {
            FullMode = dropOldest ? BoundedChannelFullMode.DropOldest : BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = true,
        };
        return dropOldest
            ? Channel.CreateBounded<Work>(options, dropped => { dropped.Frame.Dispose(); Metrics.FrameDropped(); })
            : Channel.CreateBounded<Work>(options);
    }

    /// <summary>Boxes for the next frame from the previous keypoints (<see cref="PropagatedRegion"/>).</summary>
    private List<DetectedBox> Propagate(IReadOnlyList<PersonPose> previous, int width, int height)
    {
        var boxes = new List<DetectedBox>(previous.Count);
        foreach (var p in previous)
            if (PropagatedRegion.From(p.Keypoints, _o.PropagationMinScore, width, height) is { } box) boxes.Add(new DetectedBox(box, p.BoxScore, 0));
        return boxes;
    }
}
