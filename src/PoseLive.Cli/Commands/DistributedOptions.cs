using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using PoseLive.Training.Distributed;

namespace PoseLive.Cli.Commands;

/// <summary>
/// The data-parallel options of `train` (and `finetune`): <c>--distributed auto|env|slurm|k8s</c> joins a run its launcher
/// started (torchrun's variables, Slurm's, a Kubernetes Indexed Job's), <c>--nproc N</c> starts N local ranks of the same
/// command on loopback (each with its share of the cores), <c>--dist-timeout</c> bounds every collective.
/// </summary>
internal sealed class DistributedOptions
{
    public Option<string?> Mode { get; } = new("--distributed")
    {
        Description = "Join a data-parallel run started by a launcher: env (torchrun: MASTER_ADDR, MASTER_PORT, WORLD_SIZE, RANK, LOCAL_RANK), slurm (SLURM_PROCID, SLURM_NTASKS, first host of SLURM_JOB_NODELIST), k8s (JOB_COMPLETION_INDEX, WORLD_SIZE, MASTER_ADDR = index 0's service name), or auto (whichever is set).",
    };
    public Option<int> Processes { get; } = new("--nproc") { Description = "Start N local ranks of this command (loopback, the cores shared out); 1: a single process.", DefaultValueFactory = _ => 1 };
    public Option<double> Timeout { get; } = new("--dist-timeout") { Description = "Seconds any rank waits for the others (rendezvous, each collective) before it stops with an error naming the lost rank.", DefaultValueFactory = _ => 300 };

    public DistributedOptions()
    {
        Mode.AcceptOnlyFromAmong("auto", "env", "slurm", "k8s");
        Processes.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 64) r.AddError("--nproc must be 1..64"); });
        Timeout.Validators.Add(r => { if (r.GetValueOrDefault<double>() is <= 0 or > 86400) r.AddError("--dist-timeout must be 0..86400 seconds"); });
    }

    public void AddTo(Command command)
    {
        command.Options.Add(Mode);
        command.Options.Add(Processes);
        command.Options.Add(Timeout);
    }

    /// <summary>Joins the run this process is a rank of (null: not distributed).</summary>
    public DataParallel? Join(ParseResult parse)
    {
        if (parse.GetValue(Mode) is not string mode) return null;
        var world = DistributedWorld.Detect(mode, System.Environment.GetEnvironmentVariable);
        if (world is null) return null;
        if (System.Environment.GetEnvironmentVariable("POSELIVE_DIST_STORE_FILE") is { Length: > 0 } file) world = world with { StoreFile = file };
        return DataParallel.Join(world, TimeSpan.FromSeconds(parse.GetValue(Timeout)), System.Environment.GetEnvironmentVariable("POSELIVE_DIST_INTERFACE") ?? "");
    }

    /// <summary>
    /// With --nproc N > 1: runs N copies of this command as ranks 0…N−1 on loopback (torchrun's variables, a free port,
    /// <c>--distributed env</c>, libtorch threads shared out unless --threads is given), prints rank 0's output and every
    /// rank's errors, stops the others 30 s (at most --dist-timeout) after one fails, and returns the exit code of the
    /// first to fail (0 when all succeed). Null when --nproc is 1. <paramref name="cancel"/> (Ctrl-C or SIGTERM to the launcher)
    /// is passed on to every rank as Ctrl-C, and the launcher waits for them to checkpoint and exit.
    /// </summary>
    public int? Launch(ParseResult parse, TextWriter output, TextWriter error, CancellationToken cancel = default)
    {
        int n = parse.GetValue(Processes);
        if (n <= 1) return null;
        var args = parse.Tokens.Select(t => t.Value).ToList();           // this command line as parsed (also when run in-process)
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i] == "--nproc") { args.RemoveRange(i, Math.Min(2, args.Count - i)); i--; }
            else if (args[i].StartsWith("--nproc=", StringComparison.Ordinal)) { args.RemoveAt(i); i--; }
        }
        args.AddRange(["--distributed", "env"]);
        if (!args.Contains("--threads")) args.AddRange(["--threads", Math.Max(1, System.Environment.ProcessorCount / n).ToString(CultureInfo.InvariantCulture)]);
        int port = FreePort();
        var (program, prefix) = Self();
        var ranks = new List<Process>();
        // a terminal's Ctrl-C reaches the ranks too (one process group), a scheduler's SIGTERM only the launcher
        var forward = cancel.Register(() => { lock (ranks) foreach (var p in ranks) LocalRanks.Interrupt(p); });
        try
        {
            for (int r = 0; r < n; r++)
            {
                var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                foreach (var a in prefix.Concat(args)) psi.ArgumentList.Add(a);
                psi.Environment["MASTER_ADDR"] = "127.0.0.1";
                psi.Environment["MASTER_PORT"] = port.ToString(CultureInfo.InvariantCulture);
                psi.Environment["WORLD_SIZE"] = n.ToString(CultureInfo.InvariantCulture);
                psi.Environment["RANK"] = r.ToString(CultureInfo.InvariantCulture);
                psi.Environment["LOCAL_RANK"] = r.ToString(CultureInfo.InvariantCulture);
                psi.Environment["POSELIVE_DIST_INTERFACE"] = "lo";
                var p = Process.Start(psi)!;
                int rank = r;
                p.OutputDataReceived += (_, e) => { if (e.Data is { } line && rank == 0) lock (output) output.WriteLine(line); };
                p.ErrorDataReceived += (_, e) => { if (e.Data is { } line) lock (error) error.WriteLine(rank == 0 ? line : $"[rank {rank}] {line}"); };
                p.BeginOutputReadLine();
                p.BeginErrorReadLine();
                lock (ranks) ranks.Add(p);
                if (cancel.IsCancellationRequested) LocalRanks.Interrupt(p);
            }
            // a rank that fails gives the others a grace period to notice and name it, then they are stopped (one that fails
            // before the rendezvous would otherwise leave them waiting for the whole --dist-timeout)
            var grace = TimeSpan.FromSeconds(Math.Min(30, parse.GetValue(Timeout)));
            System.Diagnostics.Stopwatch? failedAt = null;
            int code = 0;
            while (ranks.Any(p => !p.HasExited))
            {
                Thread.Sleep(100);
                if (failedAt is null && ranks.FirstOrDefault(p => p.HasExited && p.ExitCode != 0) is { } failed)
                    (failedAt, code) = (System.Diagnostics.Stopwatch.StartNew(), failed.ExitCode);
                if (failedAt is not null && failedAt.Elapsed > grace)
                    foreach (var p in ranks) if (!p.HasExited) p.Kill(entireProcessTree: true);
            }
            foreach (var p in ranks) p.WaitForExit();                   // the output of each is read to its end
            return code != 0 ? code : ranks.Select(p => p.ExitCode).FirstOrDefault(c => c != 0);   // the first rank to fail says how
        }
        finally
        {
            forward.Dispose();                                          // no signal is passed on to a disposed process
            foreach (var p in ranks)
            {
                if (!p.HasExited) p.Kill(entireProcessTree: true);
                p.Dispose();
            }
        }
    }

    /// <summary>How to start this program again: `dotnet poselive.dll` (the host that runs this process when it is dotnet).</summary>
    private static (string Program, string[] Prefix) Self()
    {
        var path = System.Environment.ProcessPath;
        var dotnet = path is not null && Path.GetFileNameWithoutExtension(path).Equals("dotnet", StringComparison.OrdinalIgnoreCase) ? path
            : System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        return (dotnet, [typeof(PoseLiveCli).Assembly.Location]);
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
