using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using PoseLive.Training.Distributed;
using PoseLive.Training.Nets;
using PoseLive.Training.Tensors;

namespace PoseLive.Bench.Ratios;

/// <summary>
/// `ratio allreduce [NETS] [STEPS]`: the gradient all-reduce of a data-parallel step over c10d/Gloo on loopback, two
/// ranks (two threads of this process, each its own DataParallel, 1 libtorch thread), per net: the gradient bytes,
/// milliseconds per step (median of STEPS, bucketed as the trainer does) and the bytes each rank sends and receives per
/// step in a ring all-reduce (2·(N−1)/N of the gradients), which is what a multi-machine run needs from its network.
/// </summary>
internal static class AllReduceRatio
{
    public static int Run(string nets, int steps)
    {
        var inv = CultureInfo.InvariantCulture;
        Torch.Threads = 1;
        Console.WriteLine("allreduce: 2 ranks on loopback (Gloo), gradients in 25 MB buckets, 1 libtorch thread each");
        foreach (var name in nets.Split(','))
        {
            int port;
            using (var l = new TcpListener(IPAddress.Loopback, 0)) { l.Start(); port = ((IPEndPoint)l.LocalEndpoint).Port; }
            var times = new double[2][];
            long bytes = 0;
            var threads = Enumerable.Range(0, 2).Select(rank => new Thread(() =>
            {
                Torch.Threads = 1;
                using var net = PoseNets.Create(name, 17);
                var parameters = net.Parameters().ToList();
                bytes = parameters.Sum(p => p.ElementCount) * 4;
                using var dp = DataParallel.Join(new DistributedWorld(rank, 2, rank, "127.0.0.1", port, "bench"), TimeSpan.FromSeconds(60), "lo");
                var t = new double[steps];
                dp.AllReduceGradients(parameters);                       // warm-up: gradients created, connections up
                for (int s = 0; s < steps; s++)
                {
                    var clock = Stopwatch.StartNew();
                    dp.AllReduceGradients(parameters);
                    t[s] = clock.Elapsed.TotalMilliseconds;
                }
                times[rank] = t;
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            var sorted = times[0].Order().ToArray();
            double median = sorted[sorted.Length / 2];
            Console.WriteLine(string.Format(inv, "  {0,-10} gradients {1,7:F1} MB  all-reduce {2,7:F1} ms/step (median of {3}; min {4:F1})  ring traffic per rank {5:F1} MB/step  → {6:F2} Gbit/s needed for the all-reduce to take 100 ms",
                name, bytes / 1e6, median, steps, sorted[0], bytes / 1e6, bytes * 8 / 1e9 / 0.1));
        }
        return 0;
    }
}
