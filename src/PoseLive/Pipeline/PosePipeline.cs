using System.Diagnostics;
using System.Threading.Channels;
using PoseLive.Detection;
using PoseLive.Estimation;
using PoseLive.Media;
using PoseLive.Pipeline.Stages;
using PoseLive.Tracking;

namespace PoseLive.Pipeline;

/// <summary>
/// The offline pipeline (annotate, `run --fast`): decode → detect → pose → track+smooth → sinks, each stage a class
/// owning its state (<see cref="DecodeStage"/>, <see cref="DetectStage"/>, <see cref="PoseStage"/>,
/// <see cref="TrackStage"/>, <see cref="SinkStage"/>) on its own task, joined by bounded channels that wait when full,
/// so every frame is processed exactly once. The detector runs every N-th frame; in between, boxes come from the
/// previous frame's keypoints. Media time (each frame's PTS and time base) drives the tracker. Cancelling stops the
/// source only: frames already decoded drain through every stage and the sinks complete, so outputs are flushed. A
/// failing stage faults the run: the others stop, and <see cref="RunAsync"/> throws that stage's exception. Live
/// runs use <see cref="Live.LivePipeline"/>.
/// </summary>
public sealed class PosePipeline(IPersonDetector detector, IPoseEstimator estimator, PipelineOptions? options = null)
{
    private readonly PipelineOptions _o = options ?? new PipelineOptions();

    public PipelineMetrics Metrics { get; } = new();

    public async Task RunAsync(VideoSource source, IReadOnlyList<IFrameSink> sinks, CancellationToken cancellationToken = default, PipelineResumeState? resume = null)
    {
        using var failure = new CancellationTokenSource();                 // any stage failing stops the others
        using var sourceStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, failure.Token);
        var channels = new[] { NewChannel(), NewChannel(), NewChannel(), NewChannel() };
        var (decoded, detected, posed, tracked) = (channels[0], channels[1], channels[2], channels[3]);
        var tracker = resume?.Tracker ?? new PoseTracker(_o.Tracker);
        // offline back-fill: a frame waits for the frames that could still confirm a track seen in it
        int holdBack = tracker.Options.Backfill ? Math.Max(0, tracker.Options.ConfirmHits - 1) : 0;

        var decode = new DecodeStage(source, Metrics, _o.MaxFrames);
        var detect = new DetectStage(detector, _o.DetectorInterval, resume?.ProcessedFrames ?? 0);
        var pose = new PoseStage(estimator, _o.PropagationMinScore, resume?.PreviousPoses ?? []);
        var track = new TrackStage(tracker, cancellationToken);
        var sink = new SinkStage(sinks, Metrics, holdBack);

        var all = new[]
        {
            Task.Factory.StartNew(() => decode.Run(decoded.Writer, sourceStop.Token, failure), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default),
            Task.Run(() => detect.RunAsync(decoded.Reader, detected.Writer, failure)),
            Task.Run(() => pose.RunAsync(detected.Reader, posed.Writer, failure)),
            Task.Run(() => track.RunAsync(posed.Reader, tracked.Writer, failure)),
            Task.Run(() => sink.RunAsync(tracked.Reader, cancellationToken, failure)),
        };
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
            foreach (var channel in channels)
                while (channel.Reader.TryRead(out var leftover)) leftover.Frame?.Dispose();  // a faulted run returns its frames too
        }
        Debug.Assert(sink.Completed);
        var faults = channels.Select(c => c.Reader.Completion).Concat(all)
            .Where(t => t.IsFaulted).SelectMany(t => t.Exception!.InnerExceptions).ToList();
        if (faults.Count > 0) throw faults[0];
    }

    private Channel<StageWork> NewChannel() => Channel.CreateBounded<StageWork>(new BoundedChannelOptions(_o.ChannelCapacity)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = true,
        SingleWriter = true,
    });
}
