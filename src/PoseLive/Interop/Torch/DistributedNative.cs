using System.Runtime.InteropServices;

namespace PoseLive.Interop.Torch;

/// <summary>The c10d part of libposelive_torch (native/torchshim/distributed.cpp): stores, a Gloo group, collectives.</summary>
internal static unsafe partial class DistributedNative
{
    private const string Lib = NativeShims.Torch;

    static DistributedNative() => NativeShims.EnsureRegistered();

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int pl_dist_tcp_store(string host, int port, int worldSize, int isServer, long timeoutMs, out nint store);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int pl_dist_file_store(string path, int worldSize, long timeoutMs, out nint store);
    [LibraryImport(Lib)] public static partial void pl_dist_store_free(nint store);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int pl_dist_store_add(StoreHandle store, string key, long by, out long value);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int pl_dist_gloo_group(StoreHandle store, int rank, int worldSize, string networkInterface, long timeoutMs, int threads, out nint group);
    [LibraryImport(Lib)] public static partial void pl_dist_group_free(nint group);
    [LibraryImport(Lib)] public static partial int pl_dist_allreduce_sum(GroupHandle group, nint* tensors, int n, long timeoutMs);
    [LibraryImport(Lib)] public static partial int pl_dist_allreduce_grads(GroupHandle group, nint* parameters, int n, long bucketBytes, double scale, long timeoutMs);
    [LibraryImport(Lib)] public static partial int pl_dist_broadcast(GroupHandle group, TensorHandle tensor, int root, long timeoutMs);
    [LibraryImport(Lib)] public static partial int pl_dist_broadcast_coalesced(GroupHandle group, nint* tensors, int n, int root, long timeoutMs);
    [LibraryImport(Lib)] public static partial int pl_dist_barrier(GroupHandle group, long timeoutMs);
    [LibraryImport(Lib)] public static partial int pl_dist_sync_batch_norm(GroupHandle group, long timeoutMs);
    [LibraryImport(Lib)] public static partial void pl_dist_sync_batch_norm_off();
}

/// <summary>Owns a c10d store handle (an intrusive_ptr allocated by the shim).</summary>
internal sealed class StoreHandle : SafeHandle
{
    public StoreHandle() : base(0, ownsHandle: true) { }
    public StoreHandle(nint handle) : base(0, ownsHandle: true) => SetHandle(handle);
    public override bool IsInvalid => handle == 0;
    protected override bool ReleaseHandle() { DistributedNative.pl_dist_store_free(handle); return true; }
}

/// <summary>Owns a Gloo process group handle (an intrusive_ptr allocated by the shim).</summary>
internal sealed class GroupHandle : SafeHandle
{
    public GroupHandle() : base(0, ownsHandle: true) { }
    public GroupHandle(nint handle) : base(0, ownsHandle: true) => SetHandle(handle);
    public override bool IsInvalid => handle == 0;
    protected override bool ReleaseHandle() { DistributedNative.pl_dist_group_free(handle); return true; }
}

/// <summary>The c10d calls over spans and handles, checked through <see cref="TorchError"/>, for the Training layer.</summary>
internal static unsafe class DistributedCalls
{
    public static StoreHandle TcpStore(string host, int port, int worldSize, bool server, TimeSpan timeout)
    {
        TorchError.Check(DistributedNative.pl_dist_tcp_store(host, port, worldSize, server ? 1 : 0, (long)timeout.TotalMilliseconds, out var s), $"TCPStore {host}:{port}");
        return new StoreHandle(s);
    }

    public static StoreHandle FileStore(string path, int worldSize, TimeSpan timeout)
    {
        TorchError.Check(DistributedNative.pl_dist_file_store(path, worldSize, (long)timeout.TotalMilliseconds, out var s), $"FileStore {path}");
        return new StoreHandle(s);
    }

    public static long Add(StoreHandle store, string key, long by)
    {
        TorchError.Check(DistributedNative.pl_dist_store_add(store, key, by, out var v), $"store add {key}");
        return v;
    }

    public static GroupHandle Gloo(StoreHandle store, int rank, int worldSize, string networkInterface, TimeSpan timeout, int threads)
    {
        TorchError.Check(DistributedNative.pl_dist_gloo_group(store, rank, worldSize, networkInterface, (long)timeout.TotalMilliseconds, threads, out var g), "ProcessGroupGloo");
        return new GroupHandle(g);
    }

    /// <summary>Runs <paramref name="call"/> with the raw handles of <paramref name="tensors"/>, kept alive for the call.</summary>
    private static int WithHandles(IReadOnlyList<TensorHandle> tensors, Func<nint[], int> call)
    {
        var raw = new nint[tensors.Count];
        var added = new bool[tensors.Count];
        try
        {
            for (int i = 0; i < raw.Length; i++) { tensors[i].DangerousAddRef(ref added[i]); raw[i] = tensors[i].DangerousGetHandle(); }
            return call(raw);
        }
        finally
        {
            for (int i = 0; i < raw.Length; i++) if (added[i]) tensors[i].DangerousRelease();
        }
    }

    public static void AllReduceSum(GroupHandle group, IReadOnlyList<TensorHandle> tensors, TimeSpan timeout) =>
        TorchError.Check(WithHandles(tensors, raw => { fixed (nint* p = raw) return DistributedNative.pl_dist_allreduce_sum(group, p, raw.Length, (long)timeout.TotalMilliseconds); }), "all-reduce");

    /// <summary>Sums the parameters' gradients over the ranks in buckets, then scales them (see the shim's pl_dist_allreduce_grads).</summary>
    public static void AllReduceGradients(GroupHandle group, IReadOnlyList<TensorHandle> parameters, long bucketBytes, double scale, TimeSpan timeout) =>
        TorchError.Check(WithHandles(parameters, raw =>
        {
            fixed (nint* p = raw) return DistributedNative.pl_dist_allreduce_grads(group, p, raw.Length, bucketBytes, scale, (long)timeout.TotalMilliseconds);
        }), "all-reduce of gradients");

    public static void Broadcast(GroupHandle group, TensorHandle tensor, int root, TimeSpan timeout) =>
        TorchError.Check(DistributedNative.pl_dist_broadcast(group, tensor, root, (long)timeout.TotalMilliseconds), "broadcast");

    /// <summary>Copies <paramref name="root"/>'s values of all <paramref name="tensors"/> into every rank's, as one flattened broadcast.</summary>
    public static void BroadcastCoalesced(GroupHandle group, IReadOnlyList<TensorHandle> tensors, int root, TimeSpan timeout) =>
        TorchError.Check(WithHandles(tensors, raw => { fixed (nint* p = raw) return DistributedNative.pl_dist_broadcast_coalesced(group, p, raw.Length, root, (long)timeout.TotalMilliseconds); }), "broadcast");

    /// <summary>Every BatchNorm of this process in training mode normalises over all ranks' batches (on) or its own (off).</summary>
    public static void SyncBatchNorm(GroupHandle group, bool on, TimeSpan timeout)
    {
        if (on) TorchError.Check(DistributedNative.pl_dist_sync_batch_norm(group, (long)timeout.TotalMilliseconds), "sync batch norm");
        else DistributedNative.pl_dist_sync_batch_norm_off();
    }

    public static void Barrier(GroupHandle group, TimeSpan timeout) =>
        TorchError.Check(DistributedNative.pl_dist_barrier(group, (long)timeout.TotalMilliseconds), "barrier");
}
