using PoseLive.Training.Modules;
using PoseLive.Training.Tensors;

namespace PoseLive.Training.Checkpoints;

/// <summary>Saving a module's state_dict as a PyTorch `.pth` and loading one back (ours or an official checkpoint).</summary>
public static class ModuleCheckpoint
{
    /// <summary>The module's parameters and buffers as checkpoint tensors (CPU copies), in state_dict order.</summary>
    public static IReadOnlyList<CheckpointTensor> Snapshot(Module module) =>
        module.StateDict().Select(p => p.Tensor.DType switch
        {
            DType.Float32 => new CheckpointTensor(p.Name, CheckpointDType.Float32, p.Tensor.Shape, p.Tensor.ToFloats()),
            DType.Int64 => new CheckpointTensor(p.Name, CheckpointDType.Int64, p.Tensor.Shape, p.Tensor.ToLongs()),
            var t => throw new NotSupportedException($"'{p.Name}': saving {t} tensors is not supported"),
        }).ToList();

    /// <summary>Writes the module's state_dict to <paramref name="path"/> (atomically); `torch.load` reads it.</summary>
    public static void Save(Module module, string path) => PthWriter.Write(path, Snapshot(module));

    /// <summary>Loads a `.pth`/`.pt` state_dict into the module; see <see cref="Module.LoadStateDict"/> for strictness.</summary>
    public static StateDictLoadReport Load(Module module, string path, bool strict = true)
    {
        var tensors = PthReader.Read(path);
        try { return module.LoadStateDict(tensors, strict); }
        catch (CheckpointFormatException e) { throw new CheckpointFormatException($"{path}: {e.Message}"); }
    }
}
