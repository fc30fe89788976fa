using System.Runtime.InteropServices;

namespace PoseLive.Interop.Gl;

/// <summary>
/// The OpenGL 4.5 core entry points PoseLive uses, loaded once through a context's GetProcAddress
/// (EGL or GLFW). Calls need a current context on the calling thread.
/// </summary>
internal sealed unsafe class GlApi
{
    public const int GL_NO_ERROR = 0, GL_TEXTURE_2D = 0x0DE1, GL_RGBA8 = 0x8058, GL_RGBA = 0x1908, GL_RGB = 0x1907, GL_RED = 0x1903, GL_R32F = 0x822E,
        GL_R8 = 0x8229, GL_UNSIGNED_BYTE = 0x1401, GL_FLOAT = 0x1406, GL_TEXTURE_MIN_FILTER = 0x2801, GL_TEXTURE_MAG_FILTER = 0x2800, GL_LINEAR = 0x2601,
        GL_NEAREST = 0x2600, GL_TEXTURE_WRAP_S = 0x2802, GL_TEXTURE_WRAP_T = 0x2803, GL_CLAMP_TO_EDGE = 0x812F, GL_FRAMEBUFFER = 0x8D40,
        GL_COLOR_ATTACHMENT0 = 0x8CE0, GL_FRAMEBUFFER_COMPLETE = 0x8CD5, GL_VERTEX_SHADER = 0x8B31, GL_FRAGMENT_SHADER = 0x8B30,
        GL_COMPILE_STATUS = 0x8B81, GL_LINK_STATUS = 0x8B82, GL_INFO_LOG_LENGTH = 0x8B84, GL_COLOR_BUFFER_BIT = 0x4000, GL_BLEND = 0x0BE2,
        GL_SRC_ALPHA = 0x0302, GL_ONE_MINUS_SRC_ALPHA = 0x0303, GL_TRIANGLE_STRIP = 0x0005, GL_TRIANGLES = 0x0004, GL_ARRAY_BUFFER = 0x8892,
        GL_PIXEL_PACK_BUFFER = 0x88EB, GL_STREAM_READ = 0x88E1, GL_DYNAMIC_DRAW = 0x88E8, GL_MAP_READ_BIT = 0x0001, GL_PACK_ALIGNMENT = 0x0D05,
        GL_UNPACK_ALIGNMENT = 0x0CF5, GL_UNPACK_ROW_LENGTH = 0x0CF2, GL_SYNC_GPU_COMMANDS_COMPLETE = 0x9117, GL_SYNC_FLUSH_COMMANDS_BIT = 0x00000001,
        GL_DEBUG_OUTPUT = 0x92E0, GL_DEBUG_OUTPUT_SYNCHRONOUS = 0x8242, GL_DEBUG_SEVERITY_HIGH = 0x9146, GL_DEBUG_TYPE_ERROR = 0x824C,
        GL_VENDOR = 0x1F00, GL_RENDERER = 0x1F01, GL_VERSION = 0x1F02, GL_SHADER_STORAGE_BUFFER = 0x90D2;

    public readonly delegate* unmanaged<int> GetError;
    public readonly delegate* unmanaged<int, byte*> GetString;
    public readonly delegate* unmanaged<int, void> Enable;
    public readonly delegate* unmanaged<int, void> Disable;
    public readonly delegate* unmanaged<int, int, void> BlendFunc;
    public readonly delegate* unmanaged<int, int, int, int, void> Viewport;
    public readonly delegate* unmanaged<float, float, float, float, void> ClearColor;
    public readonly delegate* unmanaged<int, void> Clear;
    public readonly delegate* unmanaged<void> Finish;
    public readonly delegate* unmanaged<int, int, void> PixelStorei;
    public readonly delegate* unmanaged<int, int, int, int, int, int, void*, void> ReadPixels;
    public readonly delegate* unmanaged<int, int> CreateShader;
    public readonly delegate* unmanaged<int, int, byte**, int*, void> ShaderSource;
    public readonly delegate* unmanaged<int, void> CompileShader;
    public readonly delegate* unmanaged<int, int, int*, void> GetShaderiv;
    public readonly delegate* unmanaged<int, int, int*, byte*, void> GetShaderInfoLog;
    public readonly delegate* unmanaged<int, void> DeleteShader;
    public readonly delegate* unmanaged<int> CreateProgram;
    public readonly delegate* unmanaged<int, int, void> AttachShader;
    public readonly delegate* unmanaged<int, void> LinkProgram;
    public readonly delegate* unmanaged<int, int, int*, void> GetProgramiv;
    public readonly delegate* unmanaged<int, int, int*, byte*, void> GetProgramInfoLog;
    public readonly delegate* unmanaged<int, void> UseProgram;
    public readonly delegate* unmanaged<int, void> DeleteProgram;
    public readonly delegate* unmanaged<int, byte*, int> GetUniformLocation;
    public readonly delegate* unmanaged<int, int, float, void> ProgramUniform1f;
    public readonly delegate* unmanaged<int, int, float, float, void> ProgramUniform2f;
    public readonly delegate* unmanaged<int, int, float, float, float, float, void> ProgramUniform4f;
    public readonly delegate* unmanaged<int, int, int, void> ProgramUniform1i;
    public readonly delegate* unmanaged<int, int, int*, void> CreateTextures;
    public readonly delegate* unmanaged<int, int, int, int, int, void> TextureStorage2D;
    public readonly delegate* unmanaged<int, int, int, int, int, int, int, int, void*, void> TextureSubImage2D;
    public readonly delegate* unmanaged<int, int, int, void> TextureParameteri;
    public readonly delegate* unmanaged<int, int, void> BindTextureUnit;
    public readonly delegate* unmanaged<int, int*, void> DeleteTextures;
    public readonly delegate* unmanaged<int, int*, void> CreateFramebuffers;
    public readonly delegate* unmanaged<int, int, int, int, void> NamedFramebufferTexture;
    public readonly delegate* unmanaged<int, int, int> CheckNamedFramebufferStatus;
    public readonly delegate* unmanaged<int, int, void> BindFramebuffer;
    public readonly delegate* unmanaged<int, int*, void> DeleteFramebuffers;
    public readonly delegate* unmanaged<int, int*, void> CreateVertexArrays;
    public readonly delegate* unmanaged<int, void> BindVertexArray;
    public readonly delegate* unmanaged<int, int*, void> DeleteVertexArrays;
    public readonly delegate* unmanaged<int, int*, void> CreateBuffers;
    public readonly delegate* unmanaged<int, nint, void*, int, void> NamedBufferData;
    public readonly delegate* unmanaged<int, nint, nint, void*, void> NamedBufferSubData;
    public readonly delegate* unmanaged<int, int, void> BindBuffer;
    public readonly delegate* unmanaged<int, int, int, void> BindBufferBase;
    public readonly delegate* unmanaged<int, nint, nint, int, void*> MapNamedBufferRange;
    public readonly delegate* unmanaged<int, byte> UnmapNamedBuffer;
    public readonly delegate* unmanaged<int, int*, void> DeleteBuffers;
    public readonly delegate* unmanaged<int, int, int, int, void> DrawArraysInstanced;
    public readonly delegate* unmanaged<int, int, nint> FenceSync;
    public readonly delegate* unmanaged<nint, int, ulong, int> ClientWaitSync;
    public readonly delegate* unmanaged<nint, void> DeleteSync;
    public readonly delegate* unmanaged<delegate* unmanaged<int, int, int, int, int, byte*, void*, void>, void*, void> DebugMessageCallback;

    public GlApi(Func<string, nint> getProcAddress)
    {
        nint P(string name)
        {
            var p = getProcAddress(name);
            return p != 0 ? p : throw new EntryPointNotFoundException($"OpenGL function {name} is not available (an OpenGL 4.5 core context is required).");
        }
        GetError = (delegate* unmanaged<int>)P("glGetError");
        GetString = (delegate* unmanaged<int, byte*>)P("glGetString");
        Enable = (delegate* unmanaged<int, void>)P("glEnable");
        Disable = (delegate* unmanaged<int, void>)P("glDisable");
        BlendFunc = (delegate* unmanaged<int, int, void>)P("glBlendFunc");
        Viewport = (delegate* unmanaged<int, int, int, int, void>)P("glViewport");
        ClearColor = (delegate* unmanaged<float, float, float, float, void>)P("glClearColor");
        Clear = (delegate* unmanaged<int, void>)P("glClear");
        Finish = (delegate* unmanaged<void>)P("glFinish");
        PixelStorei = (delegate* unmanaged<int, int, void>)P("glPixelStorei");
        ReadPixels = (delegate* unmanaged<int, int, int, int, int, int, void*, void>)P("glReadPixels");
        CreateShader = (delegate* unmanaged<int, int>)P("glCreateShader");
        ShaderSource = (delegate* unmanaged<int, int, byte**, int*, void>)P("glShaderSource");
        CompileShader = (delegate* unmanaged<int, void>)P("glCompileShader");
        GetShaderiv = (delegate* unmanaged<int, int, int*, void>)P("glGetShaderiv");
        GetShaderInfoLog = (delegate* unmanaged<int, int, int*, byte*, void>)P("glGetShaderInfoLog");
        DeleteShader = (delegate* unmanaged<int, void>)P("glDeleteShader");
        CreateProgram = (delegate* unmanaged<int>)P("glCreateProgram");
        AttachShader = (delegate* unmanaged<int, int, void>)P("glAttachShader");
        LinkProgram = (delegate* unmanaged<int, void>)P("glLinkProgram");
        GetProgramiv = (delegate* unmanaged<int, int, int*, void>)P("glGetProgramiv");
        GetProgramInfoLog = (delegate* unmanaged<int, int, int*, byte*, void>)P("glGetProgramInfoLog");
        UseProgram = (delegate* unmanaged<int, void>)P("glUseProgram");
        DeleteProgram = (delegate* unmanaged<int, void>)P("glDeleteProgram");
        GetUniformLocation = (delegate* unmanaged<int, byte*, int>)P("glGetUniformLocation");
        ProgramUniform1f = (delegate* unmanaged<int, int, float, void>)P("glProgramUniform1f");
        ProgramUniform2f = (delegate* unmanaged<int, int, float, float, void>)P("glProgramUniform2f");
        ProgramUniform4f = (delegate* unmanaged<int, int, float, float, float, float, void>)P("glProgramUniform4f");
        ProgramUniform1i = (delegate* unmanaged<int, int, int, void>)P("glProgramUniform1i");
        CreateTextures = (delegate* unmanaged<int, int, int*, void>)P("glCreateTextures");
        TextureStorage2D = (delegate* unmanaged<int, int, int, int, int, void>)P("glTextureStorage2D");
        TextureSubImage2D = (delegate* unmanaged<int, int, int, int, int, int, int, int, void*, void>)P("glTextureSubImage2D");
        TextureParameteri = (delegate* unmanaged<int, int, int, void>)P("glTextureParameteri");
        BindTextureUnit = (delegate* unmanaged<int, int, void>)P("glBindTextureUnit");
        DeleteTextures = (delegate* unmanaged<int, int*, void>)P("glDeleteTextures");
        CreateFramebuffers = (delegate* unmanaged<int, int*, void>)P("glCreateFramebuffers");
        NamedFramebufferTexture = (delegate* unmanaged<int, int, int, int, void>)P("glNamedFramebufferTexture");
        CheckNamedFramebufferStatus = (delegate* unmanaged<int, int, int>)P("glCheckNamedFramebufferStatus");
        BindFramebuffer = (delegate* unmanaged<int, int, void>)P("glBindFramebuffer");
        DeleteFramebuffers = (delegate* unmanaged<int, int*, void>)P("glDeleteFramebuffers");
        CreateVertexArrays = (delegate* unmanaged<int, int*, void>)P("glCreateVertexArrays");
        BindVertexArray = (delegate* unmanaged<int, void>)P("glBindVertexArray");
        DeleteVertexArrays = (delegate* unmanaged<int, int*, void>)P("glDeleteVertexArrays");
        CreateBuffers = (delegate* unmanaged<int, int*, void>)P("glCreateBuffers");
        NamedBufferData = (delegate* unmanaged<int, nint, void*, int, void>)P("glNamedBufferData");
        NamedBufferSubData = (delegate* unmanaged<int, nint, nint, void*, void>)P("glNamedBufferSubData");
        BindBuffer = (delegate* unmanaged<int, int, void>)P("glBindBuffer");
        BindBufferBase = (delegate* unmanaged<int, int, int, void>)P("glBindBufferBase");
        MapNamedBufferRange = (delegate* unmanaged<int, nint, nint, int, void*>)P("glMapNamedBufferRange");
        UnmapNamedBuffer = (delegate* unmanaged<int, byte>)P("glUnmapNamedBuffer");
        DeleteBuffers = (delegate* unmanaged<int, int*, void>)P("glDeleteBuffers");
        DrawArraysInstanced = (delegate* unmanaged<int, int, int, int, void>)P("glDrawArraysInstanced");
        FenceSync = (delegate* unmanaged<int, int, nint>)P("glFenceSync");
        ClientWaitSync = (delegate* unmanaged<nint, int, ulong, int>)P("glClientWaitSync");
        DeleteSync = (delegate* unmanaged<nint, void>)P("glDeleteSync");
        DebugMessageCallback = (delegate* unmanaged<delegate* unmanaged<int, int, int, int, int, byte*, void*, void>, void*, void>)P("glDebugMessageCallback");
    }

    public string String(int name) => Marshal.PtrToStringUTF8((nint)GetString(name)) ?? "";
}
