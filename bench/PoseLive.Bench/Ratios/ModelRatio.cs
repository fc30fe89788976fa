using System.Diagnostics;
using System.Globalization;
using PoseLive.Estimation;
using PoseLive.Inference;
using PoseLive.Media;
using PoseLive.Models;
using Ort = Microsoft.ML.OnnxRuntime;

namespace PoseLive.Bench.Ratios;

/// <summary>
/// Per model: PoseLive's prepared run (BatchedRunner, as the detector and estimators use it) vs the
/// official C# API's plain RunWithBinding loop on the same session and input, interleaved, medians (target overhead ≤ 3%); MoveNet batch of 4 crops vs
/// 4 single runs; absolute milliseconds for context.
/// </summary>
internal static class ModelRatio
{
    public static int Run(int rounds)
    {
        var inv = CultureInfo.InvariantCulture;
        var dir = ModelZoo.DefaultDirectory();
        var options = new InferenceOptions { IntraOpThreads = Environment.ProcessorCount };
        Console.WriteLine($"models in {dir}, {options.IntraOpThreads} intra-op threads, {rounds} interleaved rounds");
        foreach (var name in new[] { "centernet", "movenet-lightning", "movenet-thunder" })
        {
            var (card, path) = ModelZoo.Find(dir, name);
            using var session = InferenceSession.FromFile(path, options);
            int h = card.Input.Height, w = card.Input.Width;
            using var input = card.Input.Dtype == "int32" ? OrtTensor.Create(Enumerable.Range(0, h * w * 3).Select(i => i * 7 % 256).ToArray(), 1, h, w, 3)
                                                           : OrtTensor.Create(Enumerable.Range(0, h * w * 3).Select(i => (float)(i * 7 % 256)).ToArray(), 1, h, w, 3);
            using var runner = new BatchedRunner(session);       // the path the detector and estimators use
            var prepared = runner.For(1);
            if (card.Input.Dtype == "int32") input.Span<int>().CopyTo(prepared.Input.Span<int>()); else input.Span<float>().CopyTo(prepared.Input.Span<float>());
            void Ours() => prepared.Run();
            var raw = new OfficialRun(session, card.Input.Name, input);
            for (int i = 0; i < 3; i++) { Ours(); raw.Run(); }
            var a = new List<double>(); var b = new List<double>();
            for (int r = 0; r < rounds; r++)
            {
                if (r % 2 == 0) { b.Add(Time(raw.Run)); a.Add(Time(Ours)); } else { a.Add(Time(Ours)); b.Add(Time(raw.Run)); }
            }
            raw.Dispose();
            double ma = Median(a), mb = Median(b);
            Console.WriteLine(string.Format(inv, "  {0,-18} official API {1,7:F2} ms   PoseLive {2,7:F2} ms   overhead ratio {3:F3}", name, mb, ma, ma / mb));
        }
        using var frame = OpenStill();
        var (mcard, mpath) = ModelZoo.Find(dir, "movenet-lightning");
        using var estimator = PoseEstimators.Create(mcard, mpath, options);
        var boxes = new[] { (26f, 78f, 147f, 394f), (488f, 14f, 153f, 459f), (200f, 100f, 120f, 300f), (300f, 60f, 100f, 300f) }
            .Select(b => new PoseLive.Detection.DetectedBox(new PoseLive.Pose.BoundingBox(b.Item1, b.Item2, b.Item3, b.Item4), 0.9f, 0)).ToList();
        void Batch() => estimator.Estimate(frame.Plane(0), frame.Width, frame.Height, frame.Stride, boxes);
        void Singles() { foreach (var box in boxes) estimator.Estimate(frame.Plane(0), frame.Width, frame.Height, frame.Stride, [box]); }
        Batch(); Singles();
        var batch = new List<double>(); var singles = new List<double>();
        for (int r = 0; r < rounds; r++) { batch.Add(Time(Batch)); singles.Add(Time(Singles)); }
        Console.WriteLine(string.Format(inv, "  movenet-lightning, 4 persons (crop + run + decode): batch of 4 {0:F2} ms, 4 single runs {1:F2} ms, speed-up {2:F2}x",
            Median(batch), Median(singles), Median(singles) / Median(batch)));
        return 0;
    }

    private static VideoFrame OpenStill()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var p = Path.Combine(dir.FullName, "media", "basketball1.png");
            if (File.Exists(p)) { using var s = VideoSource.Open(p); return s.ReadFrame()!; }
        }
        throw new FileNotFoundException("media/basketball1.png: run scripts/setup.sh");
    }

    private static double Time(Action a)
    {
        var sw = Stopwatch.StartNew();
        a();
        return sw.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> v)
    {
        v.Sort();
        return v[v.Count / 2];
    }

    /// <summary>The same session run through the official C# API's plain loop: OrtValues over pinned arrays, one OrtIoBinding.</summary>
    private sealed class OfficialRun : IDisposable
    {
        private readonly Ort.InferenceSession _session;
        private readonly Ort.RunOptions _runOptions = new();
        private readonly Ort.OrtIoBinding _binding;
        private readonly List<Ort.OrtValue> _values = [];

        public OfficialRun(InferenceSession session, string inputName, OrtTensor input)
        {
            _session = session.Native;
            _binding = _session.CreateIoBinding();
            var shape = input.Shape.ToArray();
            var inValue = input.ElementType == PoseLive.Onnx.OnnxDataType.Int32
                ? Ort.OrtValue.CreateTensorValueFromMemory(input.ToArray<int>(), shape)
                : Ort.OrtValue.CreateTensorValueFromMemory(input.ToArray<float>(), shape);
            _values.Add(inValue);
            _binding.BindInput(inputName, inValue);
            foreach (var o in session.Outputs)
            {
                var outShape = o.Shape.Select((d, i) => i == 0 ? 1 : d).ToArray();
                var v = Ort.OrtValue.CreateTensorValueFromMemory(new float[outShape.Aggregate(1L, (a, b) => a * b)], outShape);
                _values.Add(v);
                _binding.BindOutput(o.Name, v);
            }
        }

        public void Run() => _session.RunWithBinding(_runOptions, _binding);

        public void Dispose()
        {
            _binding.Dispose();
            _runOptions.Dispose();
            foreach (var v in _values) v.Dispose();
        }
    }
}
