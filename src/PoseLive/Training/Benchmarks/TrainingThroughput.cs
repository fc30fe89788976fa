using System.Diagnostics;
using PoseLive.Training.Modules;
using PoseLive.Training.Nets;
using PoseLive.Training.Optim;
using PoseLive.Training.Tensors;

namespace PoseLive.Training.Benchmarks;

/// <summary>One timed training step: total, forward (with the loss), backward and optimiser seconds.</summary>
public readonly record struct StepTiming(double Total, double Forward, double Backward, double Optimizer);

/// <summary>
/// Training-step throughput of a top-down heatmap net on synthetic data (random images, heatmap targets; Adam,
/// MSE, train-mode BatchNorm), as `poselive train-bench` and `PoseLive.Bench ratio train` measure it.
/// </summary>
public sealed class TrainingThroughput : IDisposable
{
    private readonly Module _net;
    private readonly Adam _optimizer;
    private readonly Tensor _images, _targets;

    /// <summary>The nets it times: those `poselive train` builds (<see cref="PoseNets"/>).</summary>
    public static IReadOnlyList<string> Nets => PoseNets.Names;

    public TrainingThroughput(string net, int batch, int height = 256, int width = 192, int keypoints = 17)
    {
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), "batch must be at least 1");
        if (height % 32 != 0 || width % 32 != 0) throw new ArgumentException($"input {height}×{width}: both sides must be multiples of 32");
        Batch = batch;
        _net = PoseNets.Create(net, keypoints);
        _net.Train();
        _optimizer = new Adam(_net.Parameters(), 1e-3);
        using (var scope = new DisposeScope())
        {
            _images = scope.MoveToOuter(Tensor.Randn(batch, 3, height, width));
            _targets = scope.MoveToOuter(Tensor.Randn(batch, keypoints, height / 4, width / 4) * 0.1);
        }
        _images.DetachFromScope(); // owned by this object, whatever scope the caller has open
        _targets.DetachFromScope();
    }

    public int Batch { get; }

    public long Parameters => _net.ParameterCount;

    /// <summary>Runs one step (zero_grad, forward, loss, backward, Adam) and times its parts.</summary>
    public StepTiming Step()
    {
        var clock = Stopwatch.StartNew();
        using var scope = new DisposeScope();
        _optimizer.ZeroGrad();
        var loss = Functional.MseLoss(_net.Forward(_images), _targets);
        double forward = clock.Elapsed.TotalSeconds;
        loss.Backward();
        double backward = clock.Elapsed.TotalSeconds;
        _optimizer.Step();
        double total = clock.Elapsed.TotalSeconds;
        return new StepTiming(total, forward, backward - forward, total - backward);
    }

    public void Dispose()
    {
        _images.Dispose();
        _targets.Dispose();
        _optimizer.Dispose();
        _net.Dispose();
    }
}
