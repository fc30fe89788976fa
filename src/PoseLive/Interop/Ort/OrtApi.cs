using System.Runtime.InteropServices;

namespace PoseLive.Interop.Ort;

/// <summary>
/// The slots of ONNX Runtime's <c>OrtApi</c> function table that PoseLive calls, bound once from the
/// table returned by <c>OrtGetApiBase()->GetApi(version)</c>. The table is append-only across releases,
/// so a slot index is fixed forever; the indices below come from onnxruntime_c_api.h (struct OrtApi,
/// 0-based) and were cross-checked against the runtime's own static_asserts. Requesting API version 22
/// guarantees every slot up to 317 exists (GetTensorSizeInBytes, 318, arrived with 23: checked at use).
/// </summary>
internal static unsafe class OrtApi
{
    /// <summary>The API version requested from GetApi. ORT 1.30 serves every version up to 30.</summary>
    public const uint Version = 22;

    // OrtStatus* is returned as nint: null means success.
    public static delegate* unmanaged<nint, int> GetErrorCode;                         // 1 (const OrtStatus*) -> OrtErrorCode
    public static delegate* unmanaged<nint, byte*> GetErrorMessage;                    // 2
    public static delegate* unmanaged<nint, nint, int, byte*, nint*, nint> CreateEnvWithCustomLogger; // 4
    public static delegate* unmanaged<nint, byte*, nint, nint*, nint> CreateSession;   // 7 (env, path, options, out)
    public static delegate* unmanaged<nint, void*, nuint, nint, nint*, nint> CreateSessionFromArray; // 8
    public static delegate* unmanaged<nint, nint, nint*, nint*, nuint, nint*, nuint, nint*, nint> Run; // 9
    public static delegate* unmanaged<nint*, nint> CreateSessionOptions;               // 10
    public static delegate* unmanaged<nint, int, nint> SetSessionExecutionMode;        // 13
    public static delegate* unmanaged<nint, int, nint> SetSessionGraphOptimizationLevel; // 23
    public static delegate* unmanaged<nint, int, nint> SetIntraOpNumThreads;           // 24
    public static delegate* unmanaged<nint, int, nint> SetInterOpNumThreads;           // 25
    public static delegate* unmanaged<nint, nuint*, nint> SessionGetInputCount;        // 30
    public static delegate* unmanaged<nint, nuint*, nint> SessionGetOutputCount;       // 31
    public static delegate* unmanaged<nint, nuint, nint*, nint> SessionGetInputTypeInfo;  // 33
    public static delegate* unmanaged<nint, nuint, nint*, nint> SessionGetOutputTypeInfo; // 34
    public static delegate* unmanaged<nint, nuint, nint, byte**, nint> SessionGetInputName;  // 36
    public static delegate* unmanaged<nint, nuint, nint, byte**, nint> SessionGetOutputName; // 37
    public static delegate* unmanaged<nint*, nint> CreateRunOptions;                   // 39
    public static delegate* unmanaged<nint, nint> RunOptionsSetTerminate;              // 46
    public static delegate* unmanaged<nint, nint> RunOptionsUnsetTerminate;            // 47
    public static delegate* unmanaged<nint, void*, nuint, long*, nuint, int, nint*, nint> CreateTensorWithDataAsOrtValue; // 49
    public static delegate* unmanaged<nint, void**, nint> GetTensorMutableData;        // 51
    public static delegate* unmanaged<nint, nint*, nint> CastTypeInfoToTensorInfo;     // 55 (borrowed pointer)
    public static delegate* unmanaged<nint, int*, nint> GetOnnxTypeFromTypeInfo;       // 56
    public static delegate* unmanaged<nint, int*, nint> GetTensorElementType;          // 60
    public static delegate* unmanaged<nint, nuint*, nint> GetDimensionsCount;          // 61
    public static delegate* unmanaged<nint, long*, nuint, nint> GetDimensions;         // 62
    public static delegate* unmanaged<nint, byte**, nuint, nint> GetSymbolicDimensions; // 63
    public static delegate* unmanaged<nint, nint*, nint> GetTensorTypeAndShape;        // 65
    public static delegate* unmanaged<nint, int*, nint> GetValueType;                  // 67
    public static delegate* unmanaged<int, int, nint*, nint> CreateCpuMemoryInfo;      // 69
    public static delegate* unmanaged<nint, void*, nint> AllocatorFree;                // 76
    public static delegate* unmanaged<nint*, nint> GetAllocatorWithDefaultOptions;     // 78
    public static delegate* unmanaged<nint, void> ReleaseEnv;                          // 92
    public static delegate* unmanaged<nint, void> ReleaseStatus;                       // 93
    public static delegate* unmanaged<nint, void> ReleaseMemoryInfo;                   // 94
    public static delegate* unmanaged<nint, void> ReleaseSession;                      // 95
    public static delegate* unmanaged<nint, void> ReleaseValue;                        // 96
    public static delegate* unmanaged<nint, void> ReleaseRunOptions;                   // 97
    public static delegate* unmanaged<nint, void> ReleaseTypeInfo;                     // 98
    public static delegate* unmanaged<nint, void> ReleaseTensorTypeAndShapeInfo;       // 99
    public static delegate* unmanaged<nint, void> ReleaseSessionOptions;               // 100
    public static delegate* unmanaged<byte***, int*, nint> GetAvailableProviders;      // 125
    public static delegate* unmanaged<byte**, int, nint> ReleaseAvailableProviders;    // 126
    public static delegate* unmanaged<nint, byte*, byte*, nint> AddSessionConfigEntry; // 130
    public static delegate* unmanaged<nint, OrtCudaProviderOptions*, nint> SessionOptionsAppendExecutionProvider_CUDA; // 152
    public static delegate* unmanaged<byte*> GetBuildInfoString;                       // 254

    /// <summary>
    /// Touching any slot loads the library first (and throws <see cref="Inference.OnnxRuntimeNotFoundException"/>
    /// if it can't be loaded), so no slot can ever be called unbound.
    /// </summary>
    static OrtApi() => Bind((nint*)OrtLibrary.Loaded.Table);

    private static void Bind(nint* table)
    {
        GetErrorCode = (delegate* unmanaged<nint, int>)table[1];
        GetErrorMessage = (delegate* unmanaged<nint, byte*>)table[2];
        CreateEnvWithCustomLogger = (delegate* unmanaged<nint, nint, int, byte*, nint*, nint>)table[4];
        CreateSession = (delegate* unmanaged<nint, byte*, nint, nint*, nint>)table[7];
        CreateSessionFromArray = (delegate* unmanaged<nint, void*, nuint, nint, nint*, nint>)table[8];
        Run = (delegate* unmanaged<nint, nint, nint*, nint*, nuint, nint*, nuint, nint*, nint>)table[9];
        CreateSessionOptions = (delegate* unmanaged<nint*, nint>)table[10];
        SetSessionExecutionMode = (delegate* unmanaged<nint, int, nint>)table[13];
        SetSessionGraphOptimizationLevel = (delegate* unmanaged<nint, int, nint>)table[23];
        SetIntraOpNumThreads = (delegate* unmanaged<nint, int, nint>)table[24];
        SetInterOpNumThreads = (delegate* unmanaged<nint, int, nint>)table[25];
        SessionGetInputCount = (delegate* unmanaged<nint, nuint*, nint>)table[30];
        SessionGetOutputCount = (delegate* unmanaged<nint, nuint*, nint>)table[31];
        SessionGetInputTypeInfo = (delegate* unmanaged<nint, nuint, nint*, nint>)table[33];
        SessionGetOutputTypeInfo = (delegate* unmanaged<nint, nuint, nint*, nint>)table[34];
        SessionGetInputName = (delegate* unmanaged<nint, nuint, nint, byte**, nint>)table[36];
        SessionGetOutputName = (delegate* unmanaged<nint, nuint, nint, byte**, nint>)table[37];
        CreateRunOptions = (delegate* unmanaged<nint*, nint>)table[39];
        RunOptionsSetTerminate = (delegate* unmanaged<nint, nint>)table[46];
        RunOptionsUnsetTerminate = (delegate* unmanaged<nint, nint>)table[47];
        CreateTensorWithDataAsOrtValue = (delegate* unmanaged<nint, void*, nuint, long*, nuint, int, nint*, nint>)table[49];
        GetTensorMutableData = (delegate* unmanaged<nint, void**, nint>)table[51];
        CastTypeInfoToTensorInfo = (delegate* unmanaged<nint, nint*, nint>)table[55];
        GetOnnxTypeFromTypeInfo = (delegate* unmanaged<nint, int*, nint>)table[56];
        GetTensorElementType = (delegate* unmanaged<nint, int*, nint>)table[60];
        GetDimensionsCount = (delegate* unmanaged<nint, nuint*, nint>)table[61];
        GetDimensions = (delegate* unmanaged<nint, long*, nuint, nint>)table[62];
        GetSymbolicDimensions = (delegate* unmanaged<nint, byte**, nuint, nint>)table[63];
        GetTensorTypeAndShape = (delegate* unmanaged<nint, nint*, nint>)table[65];
        GetValueType = (delegate* unmanaged<nint, int*, nint>)table[67];
        CreateCpuMemoryInfo = (delegate* unmanaged<int, int, nint*, nint>)table[69];
        AllocatorFree = (delegate* unmanaged<nint, void*, nint>)table[76];
        GetAllocatorWithDefaultOptions = (delegate* unmanaged<nint*, nint>)table[78];
        ReleaseEnv = (delegate* unmanaged<nint, void>)table[92];
        ReleaseStatus = (delegate* unmanaged<nint, void>)table[93];
        ReleaseMemoryInfo = (delegate* unmanaged<nint, void>)table[94];
        ReleaseSession = (delegate* unmanaged<nint, void>)table[95];
        ReleaseValue = (delegate* unmanaged<nint, void>)table[96];
        ReleaseRunOptions = (delegate* unmanaged<nint, void>)table[97];
        ReleaseTypeInfo = (delegate* unmanaged<nint, void>)table[98];
        ReleaseTensorTypeAndShapeInfo = (delegate* unmanaged<nint, void>)table[99];
        ReleaseSessionOptions = (delegate* unmanaged<nint, void>)table[100];
        GetAvailableProviders = (delegate* unmanaged<byte***, int*, nint>)table[125];
        ReleaseAvailableProviders = (delegate* unmanaged<byte**, int, nint>)table[126];
        AddSessionConfigEntry = (delegate* unmanaged<nint, byte*, byte*, nint>)table[130];
        SessionOptionsAppendExecutionProvider_CUDA = (delegate* unmanaged<nint, OrtCudaProviderOptions*, nint>)table[152];
        GetBuildInfoString = (delegate* unmanaged<byte*>)table[254];
    }
}

/// <summary>OrtCUDAProviderOptions (the V1 struct), x86-64 layout, 64 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct OrtCudaProviderOptions
{
    public int DeviceId;
    public int CudnnConvAlgoSearch;          // 0 exhaustive, 1 heuristic, 2 default
    public nuint GpuMemLimit;                // SIZE_MAX = unlimited
    public int ArenaExtendStrategy;
    public int DoCopyInDefaultStream;
    public int HasUserComputeStream;
    public nint UserComputeStream;
    public nint DefaultMemoryArenaCfg;
    public int TunableOpEnable;
    public int TunableOpTuningEnable;
    public int TunableOpMaxTuningDurationMs;
}
