using PoseLive.Interop.Torch;
using PoseLive.Training.Modules;
using PoseLive.Training.Tensors;

namespace PoseLive.Training.Distributed;

/// <summary>
/// This process's part in a data-parallel run over PyTorch's own distributed layer (c10d in libtorch): a TCP store on
/// rank 0 (or a shared FileStore) for rendezvous, a Gloo process group for the collectives — the weights broadcast from
/// rank 0, gradients summed in buckets after each backward pass, small values (losses, a stop flag) summed, barriers.
/// Every collective waits at most <see cref="Timeout"/>. Each rank beats a heartbeat counter in the store; when a
/// collective fails (a peer closed its connection, a timeout), the ranks whose heartbeat stopped are named in the
/// <see cref="DistributedRunException"/> every surviving rank throws (rank 0 gone takes the store with it, which is
/// named too). Not thread-safe apart from the heartbeat.
/// </summary>
public sealed class DataParallel : IDisposable
{
    private readonly StoreHandle _store;
    private readonly GroupHandle _group;
    private readonly object _storeLock = new();
    private readonly Thread _heartbeat;
    private volatile bool _stopping;

    /// <summary>Gradient bucket size (DDP's default bucket_cap_mb = 25).</summary>
    public long BucketBytes { get; init; } = 25L << 20;

    public DistributedWorld World { get; }
    public int Rank => World.Rank;
    public int WorldSize => World.WorldSize;
    public bool IsMain => World.Rank == 0;
    public TimeSpan Timeout { get; }

    private DataParallel(DistributedWorld world, StoreHandle store, GroupHandle group, TimeSpan timeout)
    {
        (World, _store, _group, Timeout) = (world, store, group, timeout);
        _heartbeat = new Thread(Beat) { IsBackground = true, Name = $"poselive-heartbeat-{world.Rank}" };
        _heartbeat.Start();
    }

    /// <summary>
    /// Joins the world: rank 0 serves the TCP store at MasterAddress:MasterPort (or every rank opens the shared store
    /// file), all ranks meet there and build the Gloo group over <paramref name="networkInterface"/> ("" = the host's
    /// default; "lo" for ranks on one machine). Waits at most <paramref name="timeout"/> for the others.
    /// </summary>
    public static DataParallel Join(DistributedWorld world, TimeSpan timeout, string networkInterface = "")
    {
        StoreHandle? store = null;
        try
        {
            store = world.StoreFile is { } file
                ? DistributedCalls.FileStore(file, world.WorldSize, timeout)
                : DistributedCalls.TcpStore(world.MasterAddress, world.MasterPort, world.WorldSize, world.Rank == 0, timeout);
            var group = DistributedCalls.Gloo(store, world.Rank, world.WorldSize, networkInterface, timeout, threads: 2);
            return new DataParallel(world, store, group, timeout);
        }
        catch (TorchException e)
        {
            store?.Dispose();
            throw new DistributedSetupException($"rank {world.Rank} of {world.WorldSize} could not join the run at " +
                (world.StoreFile ?? $"{world.MasterAddress}:{world.MasterPort}") + $" within {timeout.TotalSeconds:0.#} s: {Strip(e.Message)}");
        }
    }

    /// <summary>Copies rank 0's parameters and buffers into every rank's (the same start everywhere).</summary>
    public void BroadcastState(Module net)
    {
        foreach (var (_, t) in net.StateDict()) Collective(() => DistributedCalls.Broadcast(_group, t.Handle, 0, Timeout));
    }

    /// <summary>
    /// Copies rank 0's buffers (BatchNorm running statistics and batch counters) into every rank's, as DDP does before
    /// each forward pass: one flattened broadcast (through float64: exact for float buffers and the counters).
    /// </summary>
    public void BroadcastBuffers(Module net)
    {
        var parameters = net.Parameters().ToHashSet(ReferenceEqualityComparer.Instance);
        var buffers = net.StateDict().Select(p => p.Tensor).Where(t => !parameters.Contains(t)).Select(t => t.Handle).ToList();
        Collective(() => DistributedCalls.BroadcastCoalesced(_group, buffers, 0, Timeout));
    }

    /// <summary>
    /// Synchronised BatchNorm for this process: every BatchNorm in training mode normalises over the union of all ranks'
    /// batches (sums of x and x² all-reduced, differentiably), so its statistics and gradients are one process's over the
    /// global batch. Every rank must then run each forward pass, also with an empty share. Off again at <see cref="Dispose"/>.
    /// </summary>
    public void SynchroniseBatchNorm(bool on)
    {
        _syncBatchNorm = on;
        DistributedCalls.SyncBatchNorm(_group, on, Timeout);
    }

    private bool _syncBatchNorm;

    /// <summary>Whether BatchNorm is synchronised (<see cref="SynchroniseBatchNorm"/>).</summary>
    public bool SyncBatchNorm => _syncBatchNorm;

    /// <summary>Sums the gradients of <paramref name="parameters"/> over the ranks (bucketed), times <paramref name="scale"/>.</summary>
    public void AllReduceGradients(IReadOnlyList<Tensor> parameters, double scale = 1) =>
        Collective(() => DistributedCalls.AllReduceGradients(_group, parameters.Select(p => p.Handle).ToList(), BucketBytes, scale, Timeout));

    /// <summary>The sums of <paramref name="values"/> over the ranks (float64, one collective).</summary>
    public double[] Sum(params double[] values)
    {
        using var t = Tensor.FromArray(values, values.Length);
        Collective(() => DistributedCalls.AllReduceSum(_group, [t.Handle], Timeout));
        return t.ToDoubles();
    }

    public void Barrier() => Collective(() => DistributedCalls.Barrier(_group, Timeout));

    /// <summary>A barrier that waits up to <paramref name="timeout"/> (while rank 0 alone does a long phase, e.g. labelling footage).</summary>
    public void Barrier(TimeSpan timeout) => Collective(() => DistributedCalls.Barrier(_group, timeout));

    private void Collective(Action call)
    {
        try { call(); }
        catch (TorchException e) { throw new DistributedRunException(Describe(Strip(e.Message))); }
    }

    private string Key(int rank) => $"poselive/heartbeat/{rank}";

    /// <summary>Set by a rank once it has read the heartbeats after a failure (it was alive then).</summary>
    private static string ReportedKey(int rank) => $"poselive/reported/{rank}";

    private void Beat()
    {
        while (!_stopping)
        {
            try { lock (_storeLock) DistributedCalls.Add(_store, Key(World.Rank), 1); }
            catch (TorchException) { return; }                           // the store is gone (rank 0 ended): nothing to beat into
            Thread.Sleep(200);
        }
    }

    /// <summary>
    /// What failed, with the ranks whose heartbeat stopped (read twice, a second apart) and that did not report the
    /// failure themselves: a survivor that saw it first may report and exit inside this second.
    /// </summary>
    private string Describe(string failure)
    {
        var before = new long[WorldSize];
        try
        {
            lock (_storeLock) for (int r = 0; r < WorldSize; r++) before[r] = DistributedCalls.Add(_store, Key(r), 0);
            Thread.Sleep(1000);
            var lost = new List<int>();
            lock (_storeLock)
                for (int r = 0; r < WorldSize; r++)
                    if (r != Rank && DistributedCalls.Add(_store, Key(r), 0) == before[r]
                        && DistributedCalls.Add(_store, ReportedKey(r), 0) == 0) lost.Add(r);   // a rank that reported and exited was alive
            lock (_storeLock) DistributedCalls.Add(_store, ReportedKey(Rank), 1);
            if (Rank == 0) WaitForReports(lost);
            return lost.Count == 0
                ? $"rank {Rank} of {WorldSize}: a collective failed while every rank's heartbeat went on: {failure}"
                : $"rank {Rank} of {WorldSize}: lost rank {string.Join(", ", lost)} (its heartbeat stopped): {failure}";
        }
        catch (TorchException)
        {
            return Rank == 0
                ? $"rank 0 of {WorldSize}: the rendezvous store failed: {failure}"
                : $"rank {Rank} of {WorldSize}: lost rank 0 (it hosted the rendezvous store, which is gone): {failure}";
        }
    }

    /// <summary>
    /// Rank 0 hosts the store: before it goes, it waits (at most <see cref="Timeout"/>) until every rank still alive has
    /// read the heartbeats too, so each of them can name the lost rank instead of finding the store gone.
    /// </summary>
    private void WaitForReports(List<int> lost)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int r = 1; r < WorldSize; r++)
        {
            if (lost.Contains(r)) continue;
            while (clock.Elapsed < Timeout)
            {
                lock (_storeLock) if (DistributedCalls.Add(_store, ReportedKey(r), 0) > 0) break;
                Thread.Sleep(100);
            }
        }
    }

    /// <summary>libtorch's message without the wrapper's prefix and C++ source locations.</summary>
    private static string Strip(string message)
    {
        var m = message.StartsWith("libtorch ", StringComparison.Ordinal) && message.IndexOf(" failed: ", StringComparison.Ordinal) is int i and >= 0 ? message[(i + 9)..] : message;
        return m.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? m;
    }

    public void Dispose()
    {
        _stopping = true;
        if (_syncBatchNorm) DistributedCalls.SyncBatchNorm(_group, false, Timeout);
        _heartbeat.Join(TimeSpan.FromSeconds(1));
        _group.Dispose();
        _store.Dispose();
    }
}
