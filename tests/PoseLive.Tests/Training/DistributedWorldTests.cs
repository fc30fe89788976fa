using PoseLive.Training.Distributed;

namespace PoseLive.Tests.Training;

/// <summary>The launchers' variables as PoseLive reads them: torchrun's, Slurm's, a Kubernetes Indexed Job's.</summary>
public class DistributedWorldTests
{
    private static DistributedWorld.Environment Env(params (string Name, string Value)[] vars) =>
        name => vars.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void Torchrun_variables_give_rank_world_and_rendezvous()
    {
        var w = DistributedWorld.Detect("auto", Env(("RANK", "3"), ("WORLD_SIZE", "8"), ("LOCAL_RANK", "1"), ("MASTER_ADDR", "node7"), ("MASTER_PORT", "29611")))!;
        Assert.Equal(new DistributedWorld(3, 8, 1, "node7", 29611, "env"), w);
    }

    [Fact]
    public void Slurm_variables_take_the_first_host_of_the_node_list()
    {
        var w = DistributedWorld.Detect("slurm", Env(("SLURM_PROCID", "5"), ("SLURM_NTASKS", "6"), ("SLURM_LOCALID", "2"), ("SLURM_JOB_NODELIST", "gpu[07-09,12],cpu3")))!;
        Assert.Equal(new DistributedWorld(5, 6, 2, "gpu07", 29500, "slurm"), w);
        Assert.Equal("a1", DistributedWorld.FirstHost("a1,b2"));
        Assert.Equal("node", DistributedWorld.FirstHost("node"));
        Assert.Equal("n003", DistributedWorld.FirstHost("n[003,010-012]"));
    }

    [Fact]
    public void A_kubernetes_indexed_job_gives_the_rank_from_its_completion_index()
    {
        var w = DistributedWorld.Detect("auto", Env(("JOB_COMPLETION_INDEX", "2"), ("WORLD_SIZE", "4"), ("MASTER_ADDR", "poselive-train-0.poselive-train")))!;
        Assert.Equal(new DistributedWorld(2, 4, 0, "poselive-train-0.poselive-train", 29500, "k8s"), w);
    }

    [Fact]
    public void Nothing_set_is_a_single_process_and_a_named_launcher_without_its_variables_is_an_error()
    {
        Assert.Null(DistributedWorld.Detect("auto", Env()));
        Assert.Contains("MASTER_ADDR is not set", Assert.Throws<DistributedSetupException>(() => DistributedWorld.Detect("env", Env(("RANK", "0"), ("WORLD_SIZE", "2")))).Message);
        Assert.Contains("rank 4 is outside a world of 4", Assert.Throws<DistributedSetupException>(() =>
            DistributedWorld.Detect("env", Env(("RANK", "4"), ("WORLD_SIZE", "4"), ("MASTER_ADDR", "h")))).Message);
        Assert.Contains("SLURM_NTASKS='two' is not an integer", Assert.Throws<DistributedSetupException>(() =>
            DistributedWorld.Detect("slurm", Env(("SLURM_PROCID", "0"), ("SLURM_NTASKS", "two"), ("SLURM_JOB_NODELIST", "n1")))).Message);
    }
}
