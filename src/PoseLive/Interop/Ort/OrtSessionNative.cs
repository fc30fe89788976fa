using System.Runtime.InteropServices;
using System.Text;
using PoseLive.Inference;
using PoseLive.Onnx;

namespace PoseLive.Interop.Ort;

/// <summary>Session options, session creation and model introspection.</summary>
internal static unsafe class OrtSessionNative
{
    public const string CudaProvider = "CUDAExecutionProvider";

    public static OrtSessionOptionsHandle CreateOptions(InferenceOptions options)
    {
        _ = OrtLibrary.Loaded; // a missing library surfaces as OnnxRuntimeNotFoundException, not a type-initialiser error
        nint raw;
        OrtStatus.Check(OrtApi.CreateSessionOptions(&raw), "creating session options");
        var handle = OrtHandle.Own<OrtSessionOptionsHandle>(raw);
        try
        {
            if (options.IntraOpThreads > 0) OrtStatus.Check(OrtApi.SetIntraOpNumThreads(raw, options.IntraOpThreads), "setting intra-op threads");
            if (options.InterOpThreads > 0) OrtStatus.Check(OrtApi.SetInterOpNumThreads(raw, options.InterOpThreads), "setting inter-op threads");
            OrtStatus.Check(OrtApi.SetSessionExecutionMode(raw, options.ParallelExecution ? 1 : 0), "setting execution mode");
            OrtStatus.Check(OrtApi.SetSessionGraphOptimizationLevel(raw, (int)options.GraphOptimization), "setting graph optimisation level");
            if (!options.AllowSpinning) AddConfig(raw, "session.intra_op.allow_spinning", "0");
            if (options.ResolveProvider() == ExecutionProvider.Cuda)
            {
                var cuda = new OrtCudaProviderOptions
                {
                    DeviceId = options.CudaDeviceId,
                    CudnnConvAlgoSearch = 1, // heuristic: no minutes-long exhaustive search at start-up
                    GpuMemLimit = nuint.MaxValue,
                    DoCopyInDefaultStream = 1,
                };
                OrtStatus.Check(OrtApi.SessionOptionsAppendExecutionProvider_CUDA(raw, &cuda), "enabling the CUDA execution provider");
            }
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static void AddConfig(nint options, string key, string value)
    {
        var k = Encoding.UTF8.GetBytes(key + "\0");
        var v = Encoding.UTF8.GetBytes(value + "\0");
        fixed (byte* kp = k)
        fixed (byte* vp = v)
            OrtStatus.Check(OrtApi.AddSessionConfigEntry(options, kp, vp), $"setting session option {key}");
    }

    public static OrtSessionHandle CreateFromFile(string path, OrtSessionOptionsHandle options)
    {
        var env = OrtEnvironment.Env;
        int n = Encoding.UTF8.GetByteCount(path);
        var utf8 = new byte[n + 1];
        Encoding.UTF8.GetBytes(path, utf8);
        nint session;
        bool addedEnv = false, addedOpts = false;
        try
        {
            env.DangerousAddRef(ref addedEnv);
            options.DangerousAddRef(ref addedOpts);
            fixed (byte* p = utf8)
                OrtStatus.Check(OrtApi.CreateSession(env.Pointer, p, options.Pointer, &session), $"loading ONNX model '{path}'");
        }
        finally
        {
            if (addedOpts) options.DangerousRelease();
            if (addedEnv) env.DangerousRelease();
        }
        return OrtHandle.Own<OrtSessionHandle>(session);
    }

    public static OrtSessionHandle CreateFromBytes(ReadOnlySpan<byte> model, string displayName, OrtSessionOptionsHandle options)
    {
        var env = OrtEnvironment.Env;
        nint session;
        bool addedEnv = false, addedOpts = false;
        try
        {
            env.DangerousAddRef(ref addedEnv);
            options.DangerousAddRef(ref addedOpts);
            fixed (byte* p = model)
                OrtStatus.Check(OrtApi.CreateSessionFromArray(env.Pointer, p, (nuint)model.Length, options.Pointer, &session), $"loading ONNX model {displayName}");
        }
        finally
        {
            if (addedOpts) options.DangerousRelease();
            if (addedEnv) env.DangerousRelease();
        }
        return OrtHandle.Own<OrtSessionHandle>(session);
    }

    /// <summary>Names, element types and shapes of the session's inputs or outputs.</summary>
    public static NodeInfo[] ReadNodes(OrtSessionHandle session, bool inputs)
    {
        nint s = session.Pointer;
        nuint count;
        OrtStatus.Check(inputs ? OrtApi.SessionGetInputCount(s, &count) : OrtApi.SessionGetOutputCount(s, &count));
        var nodes = new NodeInfo[(int)count];
        for (nuint i = 0; i < count; i++)
        {
            byte* name;
            OrtStatus.Check(inputs ? OrtApi.SessionGetInputName(s, i, OrtEnvironment.DefaultAllocator, &name)
                                   : OrtApi.SessionGetOutputName(s, i, OrtEnvironment.DefaultAllocator, &name));
            string nameStr;
            try { nameStr = Marshal.PtrToStringUTF8((nint)name) ?? ""; }
            finally { OrtEnvironment.Free(name); }

            nint typeInfo;
            OrtStatus.Check(inputs ? OrtApi.SessionGetInputTypeInfo(s, i, &typeInfo) : OrtApi.SessionGetOutputTypeInfo(s, i, &typeInfo));
            using var typeHandle = OrtHandle.Own<OrtTypeInfoHandle>(typeInfo);
            nodes[(int)i] = ReadTypeInfo(nameStr, typeInfo);
        }
        return nodes;
    }

    private static NodeInfo ReadTypeInfo(string name, nint typeInfo)
    {
        int onnxType;
        OrtStatus.Check(OrtApi.GetOnnxTypeFromTypeInfo(typeInfo, &onnxType));
        if (onnxType != 1 /* ONNX_TYPE_TENSOR */)
            return new NodeInfo(name, OnnxDataType.Undefined, [], [], IsTensor: false);
        nint tensorInfo; // borrowed from typeInfo: not released separately
        OrtStatus.Check(OrtApi.CastTypeInfoToTensorInfo(typeInfo, &tensorInfo));
        var (type, shape, symbols) = ReadTensorInfo(tensorInfo);
        return new NodeInfo(name, type, shape, symbols, IsTensor: true);
    }

    internal static (OnnxDataType Type, long[] Shape, string?[] Symbols) ReadTensorInfo(nint tensorInfo)
    {
        int elem;
        OrtStatus.Check(OrtApi.GetTensorElementType(tensorInfo, &elem));
        nuint rank;
        OrtStatus.Check(OrtApi.GetDimensionsCount(tensorInfo, &rank));
        var shape = new long[(int)rank];
        var symbols = new string?[(int)rank];
        if (rank > 0)
        {
            fixed (long* d = shape) OrtStatus.Check(OrtApi.GetDimensions(tensorInfo, d, rank));
            var names = stackalloc byte*[(int)rank];
            OrtStatus.Check(OrtApi.GetSymbolicDimensions(tensorInfo, names, rank));
            for (int k = 0; k < (int)rank; k++)
            {
                var sym = names[k] is null ? null : Marshal.PtrToStringUTF8((nint)names[k]);
                symbols[k] = string.IsNullOrEmpty(sym) ? null : sym;
            }
        }
        return ((OnnxDataType)elem, shape, symbols);
    }
}
