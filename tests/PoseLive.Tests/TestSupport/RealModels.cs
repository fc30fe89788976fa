using PoseLive.Models;

namespace PoseLive.Tests.TestSupport;

/// <summary>The default models converted by setup (`poselive models fetch`).</summary>
internal static class RealModels
{
    public static (ModelCard Card, string Onnx) Get(string name) => ModelZoo.Find(ModelZoo.DefaultDirectory(), name);
}
