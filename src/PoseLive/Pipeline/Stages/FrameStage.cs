using System.Threading.Channels;

namespace PoseLive.Pipeline.Stages;

/// <summary>
/// A stage between two channels: <see cref="Process"/> fills its part of each frame's work and the item moves on.
/// The output is completed in <c>finally</c> (with the stage's error, if any); a failure cancels the run's failure
/// token so every other stage stops; a frame the stage still owns when it fails goes back to its pool.
/// </summary>
internal abstract class FrameStage
{
    protected abstract StageWork Process(StageWork work);

    /// <summary>After the input completed normally: a last item to send on (or null).</summary>
    protected virtual StageWork? Finish() => null;

    public async Task RunAsync(ChannelReader<StageWork> input, ChannelWriter<StageWork> output, CancellationTokenSource failure)
    {
        Exception? error = null;
        try
        {
            await foreach (var w in input.ReadAllAsync(failure.Token).ConfigureAwait(false))
            {
                try
                {
                    var next = w.IsEnd ? w : Process(w);
                    await output.WriteAsync(next, failure.Token).ConfigureAwait(false);   // ownership moves on
                }
                catch
                {
                    w.Frame?.Dispose();
                    throw;
                }
            }
            if (Finish() is { } last) await output.WriteAsync(last, failure.Token).ConfigureAwait(false);
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
}
