using System.Diagnostics;
using System.Threading.Channels;

namespace PoseLive.Pipeline.Stages;

/// <summary>
/// Writes each frame's result to every sink, in order, then returns the frame to its pool. With back-fill, a frame
/// is held until every frame that could confirm a track seen in it has been tracked (ConfirmHits − 1 later), and the
/// people those frames confirmed are added to it; at the end of the stream the held frames get the tracks nothing is
/// left to confirm. After a stop (not the end) the held frames are not written: a resumed run recomputes them
/// exactly. Completes every sink in <c>finally</c>.
/// </summary>
internal sealed class SinkStage(IReadOnlyList<IFrameSink> sinks, PipelineMetrics metrics, int holdBack)
{
    private readonly Queue<StageWork> _held = new();

    /// <summary>Whether the sinks were completed (the run's invariant, checked at its end).</summary>
    public bool Completed { get; private set; }

    public async Task RunAsync(ChannelReader<StageWork> input, CancellationToken stopped, CancellationTokenSource failure)
    {
        Exception? error = null;
        try
        {
            await foreach (var w in input.ReadAllAsync(failure.Token).ConfigureAwait(false))
            {
                if (w.IsEnd)
                {
                    if (!stopped.IsCancellationRequested) Fill(w.Backfill);
                    continue;
                }
                _held.Enqueue(w);
                Fill(w.Backfill);
                while (_held.Count > holdBack) Emit(_held.Dequeue());
            }
            if (!stopped.IsCancellationRequested && !failure.IsCancellationRequested)
                while (_held.Count > 0) Emit(_held.Dequeue());
        }
        catch (OperationCanceledException) when (failure.IsCancellationRequested) { }
        catch (Exception e)
        {
            error = e;
            failure.Cancel();
        }
        finally
        {
            while (_held.TryDequeue(out var unwritten)) unwritten.Frame?.Dispose();
            try { foreach (var sink in sinks) sink.Complete(cancelled: stopped.IsCancellationRequested || error is not null || failure.IsCancellationRequested); }
            finally { Completed = true; }
        }
        if (error is not null) throw error;
    }

    private void Emit(StageWork w)
    {
        try
        {
            foreach (var sink in sinks) sink.Write(w.Result!);
            w.Result!.Times.SinkEnd = Stopwatch.GetTimestamp();
            metrics.FrameDone(w.Result.Times, w.Result.Detected, w.Result.People.Count);
        }
        finally
        {
            w.Frame!.Dispose();
        }
    }

    private void Fill(IReadOnlyList<(double Time, Tracking.TrackedPerson Person)> backfill)
    {
        if (backfill.Count == 0) return;
        foreach (var group in backfill.GroupBy(b => b.Time))
            foreach (var h in _held)
                if (h.Result!.Time == group.Key)
                    h.Result = h.Result.WithPeople([.. h.Result.People.Concat(group.Select(g => g.Person)).OrderBy(p => p.TrackId)]);
    }
}
