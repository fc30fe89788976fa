using PoseLive.Detection;
using PoseLive.Estimation;
using PoseLive.Media;
using PoseLive.Pipeline;
using PoseLive.Pose;

namespace PoseLive.Tests.Pipeline;

/// <summary>Pipeline mechanics with stand-in detector and estimator (pure C#, fast): faults, cancellation, live drops, pooling.</summary>
public class PipelineBehaviourTests
{
    /// <summary>One fixed person per frame; counts calls.</summary>
    private sealed class FixedDetector : IPersonDetector
    {
        public int Calls;
        public IReadOnlyList<DetectedBox> Detect(ReadOnlySpan<byte> rgb, int width, int height, int stride)
        {
            Interlocked.Increment(ref Calls);
            return [new DetectedBox(new BoundingBox(10, 10, 40, 80), 0.9f, 0)];
        }
        public void Dispose() { }
    }

    /// <summary>Keypoints spread over each box, scored 0.9.</summary>
    private sealed class BoxEstimator : IPoseEstimator
    {
        public KeypointSchema Schema => KeypointSchema.Coco17;
        public PoseLive.Inference.ExecutionProvider Provider => PoseLive.Inference.ExecutionProvider.Cpu;
        public bool CaptureHeatmaps { get; set; }
        public IReadOnlyList<PersonPose> Estimate(ReadOnlySpan<byte> rgb, int width, int height, int stride, IReadOnlyList<DetectedBox> persons) =>
            persons.Select(p => new PersonPose(Enumerable.Range(0, 17).Select(i => new Keypoint(p.Box.X + 2 + i % 4 * 9, p.Box.Y + 4 + i * 4, 0.9f)).ToArray(), p.Box, p.Score, 0.8f)).ToList();
        public void Dispose() { }
    }

    private sealed class RecordingSink(Action<FrameResult>? onWrite = null) : IFrameSink
    {
        public readonly List<long> Frames = [];
        public bool? CompletedCancelled;
        public void Write(FrameResult r) { onWrite?.Invoke(r); Frames.Add(r.FrameIndex); }
        public void Complete(bool cancelled) => CompletedCancelled = cancelled;
    }

    private static VideoSource Clip(int frames = 40, bool realTime = false) =>
        VideoSource.Open($"testsrc2=size=160x120:rate=30:duration={frames / 30.0:0.###}", new VideoSourceOptions { InputFormat = "lavfi", RealTime = realTime });

    [Fact]
    public async Task Offline_run_processes_every_frame_once_and_detects_every_nth()
    {
        using var source = Clip(40);
        var detector = new FixedDetector();
        var sink = new RecordingSink();
        var pipeline = new PosePipeline(detector, new BoxEstimator(), new PipelineOptions { DetectorInterval = 5 });
        await pipeline.RunAsync(source, [sink]);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => (long)i), sink.Frames);
        Assert.Equal(8, detector.Calls);
        Assert.False(sink.CompletedCancelled);
        Assert.Equal(source.Pool.Allocated, source.Pool.Free);                       // every frame went back to the pool
        Assert.InRange(source.Pool.Allocated, 1, 4 * 4 + 5);                          // 4 channels of 4 + one in each of 5 stages: bounded, not by the clip length
    }

    [Fact]
    public async Task A_failing_sink_faults_the_run_without_hanging_and_returns_the_frames()
    {
        using var source = Clip(60);
        var failing = new RecordingSink(r => { if (r.FrameIndex == 7) throw new InvalidOperationException("disk full"); });
        var other = new RecordingSink();
        var pipeline = new PosePipeline(new FixedDetector(), new BoxEstimator());
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => pipeline.RunAsync(source, [failing, other]).WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal("disk full", e.Message);
        Assert.True(failing.CompletedCancelled);                                      // sinks are completed even on failure
        Assert.Equal(source.Pool.Allocated, source.Pool.Free);
    }

    /// <summary>Slow on one frame, so a stage is still holding that frame when the run faults.</summary>
    private sealed class SlowOnceDetector(long slowCall) : IPersonDetector
    {
        private long _calls;
        public IReadOnlyList<DetectedBox> Detect(ReadOnlySpan<byte> rgb, int width, int height, int stride)
        {
            if (Interlocked.Increment(ref _calls) == slowCall) Thread.Sleep(500);
            return [new DetectedBox(new BoundingBox(10, 10, 40, 80), 0.9f, 0)];
        }
        public void Dispose() { }
    }

    [Fact]
    public async Task A_frame_held_by_a_stage_when_the_run_faults_goes_back_to_the_pool()
    {
        using var source = Clip(60);
        var failing = new RecordingSink(r => { if (r.FrameIndex == 3) throw new InvalidOperationException("sink broke"); });
        var pipeline = new PosePipeline(new SlowOnceDetector(slowCall: 6), new BoxEstimator(), new PipelineOptions { DetectorInterval = 1 });
        await Assert.ThrowsAsync<InvalidOperationException>(() => pipeline.RunAsync(source, [failing]).WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(source.Pool.Allocated, source.Pool.Free);
    }

    [Fact]
    public async Task A_failing_detector_faults_the_run()
    {
        using var source = Clip(30);
        var pipeline = new PosePipeline(new ThrowingDetector(), new BoxEstimator());
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => pipeline.RunAsync(source, [new RecordingSink()]).WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("model exploded", e.Message);
    }

    private sealed class ThrowingDetector : IPersonDetector
    {
        public IReadOnlyList<DetectedBox> Detect(ReadOnlySpan<byte> rgb, int width, int height, int stride) => throw new InvalidDataException("model exploded");
        public void Dispose() { }
    }

    [Fact]
    public async Task Cancellation_stops_the_source_drains_the_stages_and_flushes_the_sinks()
    {
        using var source = Clip(300);
        using var cts = new CancellationTokenSource();
        var sink = new RecordingSink(r => { if (r.FrameIndex == 10) cts.Cancel(); });
        await new PosePipeline(new FixedDetector(), new BoxEstimator()).RunAsync(source, [sink], cts.Token);
        Assert.True(sink.CompletedCancelled);
        Assert.InRange(sink.Frames.Count, 11, 60);                                    // stopped early; what was decoded was finished
        Assert.Equal(Enumerable.Range(0, sink.Frames.Count).Select(i => (long)i), sink.Frames); // in order, none lost
        Assert.Equal(source.Pool.Allocated, source.Pool.Free);
    }

    [Fact]
    public async Task Live_mode_drops_the_oldest_frames_when_the_consumer_is_slow()
    {
        using var source = Clip(60, realTime: true);                                  // 2 s paced at 30 fps
        var slow = new RecordingSink(_ => Thread.Sleep(100));                           // 10 fps consumer
        var pipeline = new PoseLive.Pipeline.Live.LivePipeline(new FixedDetector(), new BoxEstimator());
        await pipeline.RunAsync(source, [slow]).WaitAsync(TimeSpan.FromSeconds(60));
        var m = pipeline.Metrics.Snapshot();
        Assert.Equal(60, m.FramesIn);
        Assert.True(m.Dropped > 10, $"dropped {m.Dropped}");
        Assert.Equal(m.FramesIn, m.FramesOut + m.Dropped);
        Assert.True(slow.Frames.Zip(slow.Frames.Skip(1)).All(p => p.Second > p.First)); // still in order
        Assert.Equal(source.Pool.Allocated, source.Pool.Free);                       // dropped frames returned too
    }
}
