using System.Collections.Concurrent;
using System.Threading.Channels;

namespace PoseLive.Training.Data;

/// <summary>
/// Builds an epoch's batches on <see cref="Workers"/> worker tasks into a bounded channel of ready batches, in epoch
/// order (each batch is a fixed slice of the epoch's permutation, so the order of completion never changes what the
/// trainer sees). Batch buffers come from a pool and go back with <see cref="Return"/>: no garbage per batch. A
/// worker's failure (an unreadable image) ends the epoch with that exception.
/// </summary>
public sealed class BatchLoader : IDisposable
{
    private readonly KeypointDataset _data;
    private readonly TopDownSampler _sampler;
    private readonly ImageStore _store;
    private readonly ConcurrentBag<TrainingBatch> _pool = [];
    private int _allocated;

    public BatchLoader(KeypointDataset data, TopDownSampler sampler, ImageStore store, int batchSize, int workers = 2, int capacity = 4)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        if (data.Instances.Count == 0) throw new DatasetException($"{data.Name}: no instances with labelled keypoints to train on");
        _data = data;
        _sampler = sampler;
        _store = store;
        BatchSize = batchSize;
        Workers = workers;
        Capacity = capacity;
    }

    public int BatchSize { get; }
    public int Workers { get; }
    public int Capacity { get; }
    /// <summary>Batch buffers created so far (bounded by capacity + workers + what the consumer holds).</summary>
    public int Allocated => _allocated;

    /// <summary>
    /// Data-parallel training: this rank builds only its share of each batch — of a batch's n entries (the same
    /// batches, in the same order, as one process would train on), entries [n·rank/world, n·(rank+1)/world) — so the
    /// ranks' shares together are exactly the single-process batch. Default: the whole batch.
    /// </summary>
    public (int Rank, int World) Shard { get; init; } = (0, 1);

    public int BatchesPerEpoch => (_data.Instances.Count + BatchSize - 1) / BatchSize;

    /// <summary>The epoch's instance order: a permutation from (seed, epoch), or dataset order when not shuffled.</summary>
    public int[] Order(long epoch, bool shuffle) =>
        shuffle ? SampleRandom.Permutation(_sampler.Seed, epoch, _data.Instances.Count) : Enumerable.Range(0, _data.Instances.Count).ToArray();

    /// <summary>
    /// The batches of <paramref name="epoch"/> from batch <paramref name="startBatch"/> on, blocking until each is
    /// ready; the caller returns each one after use.
    /// </summary>
    public IEnumerable<TrainingBatch> Epoch(long epoch, int startBatch = 0, bool shuffle = true, CancellationToken cancellationToken = default)
    {
        var order = Order(epoch, shuffle);
        var channel = Channel.CreateBounded<Task<TrainingBatch>>(new BoundedChannelOptions(Capacity) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(() => Produce(epoch, startBatch, order, channel.Writer, stop.Token));
        try
        {
            while (true)
            {
                if (!channel.Reader.WaitToReadAsync(cancellationToken).AsTask().GetAwaiter().GetResult()) break;
                if (!channel.Reader.TryRead(out var next)) continue;
                yield return next.GetAwaiter().GetResult();
            }
            producer.GetAwaiter().GetResult(); // a producer fault surfaces here
        }
        finally
        {
            stop.Cancel();
            try { producer.Wait(); } catch (AggregateException) { } // already reported, or cancelled
            while (channel.Reader.TryRead(out var left))
            {
                try { Return(left.GetAwaiter().GetResult()); }
                catch (Exception) { } // the epoch is over; its failure, if any, was thrown above
            }
        }
    }

    private async Task Produce(long epoch, int startBatch, int[] order, ChannelWriter<Task<TrainingBatch>> writer, CancellationToken cancel)
    {
        var slots = new SemaphoreSlim(Workers); // not disposed: batch tasks may still release it after the producer ends (it holds no wait handle)
        Exception? failure = null;
        try
        {
            for (int b = startBatch; b < BatchesPerEpoch; b++)
            {
                await slots.WaitAsync(cancel).ConfigureAwait(false);
                int number = b;
                var task = Task.Run(() =>
                {
                    try { return Build(epoch, number, order); }
                    finally { slots.Release(); }
                }, CancellationToken.None);
                await writer.WriteAsync(task, cancel).ConfigureAwait(false);
            }
        }
        catch (Exception e) { failure = e; }
        finally
        {
            writer.TryComplete(failure is OperationCanceledException ? null : failure);
        }
    }

    private TrainingBatch Build(long epoch, int number, int[] order)
    {
        var batch = Rent();
        try
        {
            int start = number * BatchSize, total = Math.Min(BatchSize, order.Length - start);
            int lo = (int)((long)total * Shard.Rank / Shard.World), hi = (int)((long)total * (Shard.Rank + 1) / Shard.World);
            start += lo;
            int count = hi - lo;
            batch.Count = count;
            batch.GlobalCount = total;
            batch.Epoch = epoch;
            batch.Number = number;
            int iv = _sampler.ImageValues, tv = _sampler.TargetValues, k = _sampler.Schema.Count;
            for (int i = 0; i < count; i++)
            {
                int index = order[start + i];
                var instance = _data.Instances[index];
                var image = _store.Get(instance.Image);
                batch.Instances[i] = index;
                _sampler.Build(instance, image, epoch, index,
                    batch.Images.AsSpan(i * iv, iv), batch.Targets.AsSpan(i * tv, tv), batch.Weights.AsSpan(i * k, k), batch.Keypoints.AsSpan(i * k, k));
            }
            return batch;
        }
        catch
        {
            Return(batch);
            throw;
        }
    }

    private TrainingBatch Rent()
    {
        if (_pool.TryTake(out var batch)) return batch;
        Interlocked.Increment(ref _allocated);
        return new TrainingBatch(BatchSize, _sampler.ImageValues, _sampler.TargetValues, _sampler.Schema.Count);
    }

    public void Return(TrainingBatch batch) => _pool.Add(batch);

    public void Dispose() => _pool.Clear();
}
