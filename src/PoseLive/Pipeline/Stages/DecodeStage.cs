using System.Diagnostics;
using System.Threading.Channels;
using PoseLive.Media;

namespace PoseLive.Pipeline.Stages;

/// <summary>
/// Reads frames from the source on its own thread and writes them on, waiting while the next stage is full (offline:
/// every frame is processed once). Stops at the end of the source, after <c>maxFrames</c>, or when
/// <c>stop</c> is cancelled; completes its output in <c>finally</c>.
/// </summary>
internal sealed class DecodeStage(VideoSource source, PipelineMetrics metrics, long? maxFrames)
{
    public void Run(ChannelWriter<StageWork> output, CancellationToken stop, CancellationTokenSource failure)
    {
        Exception? error = null;
        try
        {
            long n = 0;
            while (!stop.IsCancellationRequested && (maxFrames is not long max || n < max))
            {
                VideoFrame? frame;
                try { frame = source.ReadFrame(stop); }
                catch (OperationCanceledException) { break; }
                if (frame is null) break;
                n++;
                metrics.FrameDecoded();
                var w = new StageWork { Frame = frame, Times = new StageTimes { Decoded = Stopwatch.GetTimestamp() } };
                try { output.WriteAsync(w, failure.Token).AsTask().GetAwaiter().GetResult(); }
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
            output.TryComplete(error);
        }
    }
}
