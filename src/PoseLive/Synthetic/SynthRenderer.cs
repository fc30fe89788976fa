using System.Numerics;
using System.Runtime.InteropServices;
using PoseLive.Interop.Egl;
using PoseLive.Interop.Gl;
using PoseLive.Rendering;
using Silk.NET.OpenGL;
using GlPixelFormat = Silk.NET.OpenGL.PixelFormat;

namespace PoseLive.Synthetic;

/// <summary>
/// Draws synthetic animals headless (EGL) into a colour + 32-bit float depth framebuffer and reads both back: the
/// backdrop, the ground plane, an optional planar shadow, then the skinned horse — the only thing that writes alpha, so
/// the colour readback's alpha is the silhouette mask. Rows come back top first (the camera's clip y is flipped).
/// One thread at a time; the GL context is made current for each call.
/// </summary>
public sealed class SynthRenderer : IDisposable
{
    private readonly EglContext _context;
    private readonly GlProgram _horse, _scenery, _marker;
    private readonly GlTexture _color, _depth;
    private readonly GlFramebuffer _framebuffer;
    private readonly GlVertexArray _sceneryVao, _markerVao;
    private readonly GlBuffer _markerBuffer;
    private readonly List<GlTexture> _textures = [];
    private readonly float[] _bones = new float[16 * HorseBones.Count];
    private MeshBuffers[] _lods = [];
    private IReadOnlyList<HorseMesh>? _lodMeshes;
    private int _disposed;

    public SynthRenderer(int width, int height, string? shaderDirectory = null)
    {
        Width = width;
        Height = height;
        _context = EglContext.Create();
        try
        {
            var gl = _context.Gl;
            var dir = shaderDirectory ?? PoseRenderer.ShaderDirectory();
            _horse = GlProgram.FromFiles(gl, Path.Combine(dir, "horse.vert"), Path.Combine(dir, "horse.frag"));
            _scenery = GlProgram.FromFiles(gl, Path.Combine(dir, "scenery.vert"), Path.Combine(dir, "scenery.frag"));
            _marker = GlProgram.FromFiles(gl, Path.Combine(dir, "marker.vert"), Path.Combine(dir, "marker.frag"));
            _color = GlTexture.Create(gl, SizedInternalFormat.Rgba8, width, height, linear: false);
            _depth = GlTexture.Create(gl, SizedInternalFormat.DepthComponent32f, width, height, linear: false);
            _framebuffer = GlFramebuffer.Create(gl, _color, _depth);
            _sceneryVao = GlVertexArray.Create(gl);
            _markerVao = GlVertexArray.Create(gl);
            _markerBuffer = GlBuffer.Create(gl);
            gl.VertexArrayVertexBuffer(_markerVao.Id, 0, _markerBuffer.Id, 0, 4 * sizeof(float));
            Attribute(gl, _markerVao.Id, 0, 3, 0);
            Attribute(gl, _markerVao.Id, 1, 1, 3);
            gl.VertexArrayBindingDivisor(_markerVao.Id, 0, 1);
            GlError.Check(gl, "creating the synthetic renderer");
        }
        finally
        {
            _context.Release();
        }
    }

    public int Width { get; }
    public int Height { get; }
    /// <summary>The GL renderer string (e.g. llvmpipe).</summary>
    public string Renderer => _context.Renderer;

    private static void Attribute(GL gl, uint vao, uint location, int size, int offsetFloats, uint binding = 0)
    {
        gl.EnableVertexArrayAttrib(vao, location);
        gl.VertexArrayAttribFormat(vao, location, size, VertexAttribType.Float, false, (uint)(offsetFloats * sizeof(float)));
        gl.VertexArrayAttribBinding(vao, location, binding);
    }

    /// <summary>Uploads an RGB image (rows top first, tightly packed) as a repeating, mip-mapped texture; returns its index.</summary>
    public int AddTexture(ReadOnlySpan<byte> rgb, int width, int height)
    {
        _context.MakeCurrent();
        try
        {
            var gl = _context.Gl;
            uint id = gl.CreateTexture(TextureTarget.Texture2D);
            int levels = 1 + (int)Math.Floor(Math.Log2(Math.Max(width, height)));
            gl.TextureStorage2D(id, (uint)levels, SizedInternalFormat.Rgb8, (uint)width, (uint)height);
            gl.PixelStore(PixelStoreParameter.UnpackAlignment, 1);
            gl.TextureSubImage2D(id, 0, 0, 0, (uint)width, (uint)height, GlPixelFormat.Rgb, PixelType.UnsignedByte, in MemoryMarshal.GetReference(rgb));
            gl.GenerateTextureMipmap(id);
            gl.TextureParameter(id, TextureParameterName.TextureMinFilter, (int)GLEnum.LinearMipmapNearest);   // bilinear in the nearest level: trilinear costs llvmpipe much more
            gl.TextureParameter(id, TextureParameterName.TextureMagFilter, (int)GLEnum.Linear);
            gl.TextureParameter(id, TextureParameterName.TextureWrapS, (int)GLEnum.MirroredRepeat);
            gl.TextureParameter(id, TextureParameterName.TextureWrapT, (int)GLEnum.MirroredRepeat);
            GlError.Check(gl, $"uploading a {width}x{height} texture");
            _textures.Add(new GlTexture(gl, id, width, height, SizedInternalFormat.Rgb8));
            return _textures.Count - 1;
        }
        finally
        {
            _context.Release();
        }
    }

    /// <summary>
    /// Makes <paramref name="lods"/> — meshes of one animal, finest first — the animal drawn from now on (uploaded once).
    /// A scene picks its level (<see cref="SynthScene.Lod"/>); the coarsest casts the shadow. On llvmpipe the cost of a
    /// frame is mostly triangle setup, so a distant animal drawn with a fine mesh wastes most of it.
    /// </summary>
    public void Use(IReadOnlyList<HorseMesh> lods)
    {
        if (lods.Count == 0) throw new ArgumentException("At least one mesh.", nameof(lods));
        if (ReferenceEquals(lods, _lodMeshes)) return;
        _context.MakeCurrent();
        try
        {
            var gl = _context.Gl;
            foreach (var m in _lods) m.Dispose();
            _lods = [];
            _lodMeshes = null;
            _lods = lods.Select(m => new MeshBuffers(gl, m)).ToArray();
            _lodMeshes = lods;
            GlError.Check(gl, "uploading the horse mesh");
        }
        finally
        {
            _context.Release();
        }
    }

    /// <summary>A mesh on the GPU: rest position + region (static) and posed position + normal (every frame, skinned on the CPU).</summary>
    private sealed class MeshBuffers : IDisposable
    {
        private readonly GL _gl;
        private readonly GlBuffer _rest, _posedBuffer, _indices;
        private readonly float[] _posed;

        public MeshBuffers(GL gl, HorseMesh mesh)
        {
            _gl = gl;
            Mesh = mesh;
            var rest = new float[mesh.VertexCount * 4];
            for (int v = 0; v < mesh.VertexCount; v++)
            {
                int o = v * HorseMesh.FloatsPerVertex;
                (rest[4 * v], rest[4 * v + 1], rest[4 * v + 2], rest[4 * v + 3]) = (mesh.Vertices[o], mesh.Vertices[o + 1], mesh.Vertices[o + 2], mesh.Vertices[o + 14]);
            }
            _posed = new float[mesh.VertexCount * 6];
            _rest = GlBuffer.Create(gl);
            _indices = GlBuffer.Create(gl);
            _posedBuffer = GlBuffer.Create(gl);
            gl.NamedBufferData<float>(_rest.Id, rest, BufferUsageARB.StaticDraw);
            gl.NamedBufferData<uint>(_indices.Id, mesh.Indices, BufferUsageARB.StaticDraw);
            gl.NamedBufferData<float>(_posedBuffer.Id, _posed, BufferUsageARB.StreamDraw);
            Vao = GlVertexArray.Create(gl);
            uint vao = Vao.Id;
            gl.VertexArrayVertexBuffer(vao, 0, _posedBuffer.Id, 0, 6 * sizeof(float));
            gl.VertexArrayVertexBuffer(vao, 1, _rest.Id, 0, 4 * sizeof(float));
            gl.VertexArrayElementBuffer(vao, _indices.Id);
            Attribute(gl, vao, 0, 3, 0);
            Attribute(gl, vao, 1, 3, 3);
            Attribute(gl, vao, 2, 3, 0, binding: 1);
            Attribute(gl, vao, 3, 1, 3, binding: 1);
        }

        public HorseMesh Mesh { get; }
        public GlVertexArray Vao { get; }

        /// <summary>Skins the mesh with <paramref name="skinning"/>, uploads it and draws it.</summary>
        public void Draw(Matrix4x4[] skinning)
        {
            Mesh.Skin(skinning, _posed);
            _gl.NamedBufferSubData<float>(_posedBuffer.Id, 0, _posed);
            _gl.BindVertexArray(Vao.Id);
            GlDraw.Triangles(_gl, Mesh.Indices.Length);
        }

        public void Dispose()
        {
            Vao.Dispose();
            _rest.Dispose();
            _posedBuffer.Dispose();
            _indices.Dispose();
        }
    }

    /// <summary>
    /// Draws <paramref name="scene"/> with the current mesh; <paramref name="rgba"/> receives Width·Height·4 bytes (alpha:
    /// 255 on the animal, 0 elsewhere) and <paramref name="depth"/> Width·Height depth-buffer values, both top row first.
    /// </summary>
    public void Render(SynthScene scene, Span<byte> rgba, Span<float> depth)
    {
        if (_lods.Length == 0) throw new InvalidOperationException("No mesh: call Use(meshes) first.");
        var mesh = _lods[Math.Clamp(scene.Lod, 0, _lods.Length - 1)];
        Check(rgba.Length, Width * Height * 4, "colour");
        Check(depth.Length, Width * Height, "depth");
        _context.MakeCurrent();
        try
        {
            var gl = _context.Gl;
            Begin(gl, clearColor: false);               // every pixel is drawn: ground, animal, then the backdrop
            DrawGround(gl, scene);
            var vp = Floats(scene.Camera.ViewProjection);
            gl.UseProgram(_horse.Id);
            gl.ProgramUniformMatrix4(_horse.Id, _horse.Uniform("uViewProjection"), false, vp);
            SetLight(gl, _horse, scene);
            gl.ProgramUniform3(_horse.Id, _horse.Uniform("uEye"), scene.Camera.Eye.X, scene.Camera.Eye.Y, scene.Camera.Eye.Z);
            gl.ProgramUniform3(_horse.Id, _horse.Uniform("uLightTravel"), -scene.ToLight.X, -scene.ToLight.Y, -scene.ToLight.Z);
            if (scene.Shadow > 0 && scene.ToLight.Y > 0.2f)
            {
                // the animal flattened onto the ground along the light: darkens colour, keeps alpha 0; each pixel once
                // (the first fragment writes the shadow plane's depth, the ones behind it on the same plane fail LESS)
                gl.ProgramUniform1(_horse.Id, _horse.Uniform("uShadow"), 1);
                gl.ProgramUniform1(_horse.Id, _horse.Uniform("uShadowStrength"), scene.Shadow);
                gl.Enable(EnableCap.Blend);
                gl.BlendFuncSeparate(BlendingFactor.SrcAlpha, BlendingFactor.OneMinusSrcAlpha, BlendingFactor.Zero, BlendingFactor.One);
                _lods[^1].Draw(scene.Skinning);
                gl.Disable(EnableCap.Blend);
            }
            gl.ProgramUniform1(_horse.Id, _horse.Uniform("uShadow"), 0);
            // the skin is closed and wound outward: the back half never shows (the flipped clip y flips the winding)
            gl.Enable(EnableCap.CullFace);
            gl.CullFace(TriangleFace.Back);
            gl.FrontFace(FrontFaceDirection.CW);
            gl.ProgramUniform1(_horse.Id, _horse.Uniform("uCoat"), (int)scene.Coat);
            Vec3(gl, _horse, "uBase", scene.CoatBase);
            Vec3(gl, _horse, "uPoints", scene.CoatPoints);
            Vec3(gl, _horse, "uHair", scene.CoatHair);
            gl.ProgramUniform1(_horse.Id, _horse.Uniform("uSoft"), scene.Soft);
            gl.ProgramUniform1(_horse.Id, _horse.Uniform("uPatternSeed"), scene.PatternSeed);
            gl.ProgramUniform1(_horse.Id, _horse.Uniform("uHeight"), (float)mesh.Mesh.Skeleton.Shape.WithersHeight);
            gl.ProgramUniform1(_horse.Id, _horse.Uniform("uTextureScale"), scene.CoatTextureScale);
            BindTexture(gl, _horse, "uCoatImage", scene.CoatTexture);
            mesh.Draw(scene.Skinning);
            DrawBackdrop(gl, scene);
            Read(gl, rgba, depth);
        }
        finally
        {
            Unbind();
            _context.Release();
        }
    }

    /// <summary>
    /// Test view: only a square of ±<paramref name="halfSize"/> pixels at each landmark, skinned and projected by the GPU
    /// as the horse is; marker i is drawn with red = i + 1 (rows top first, RGBA). With <paramref name="only"/> ≥ 0 only
    /// that landmark's marker is drawn (red = 1), so neighbours cannot overlap it.
    /// </summary>
    public void RenderMarkers(SynthScene scene, HorseSkeleton skeleton, float halfSize, Span<byte> rgba, int only = -1)
    {
        Check(rgba.Length, Width * Height * 4, "colour");
        _context.MakeCurrent();
        try
        {
            var gl = _context.Gl;
            Begin(gl);
            var data = new float[skeleton.Landmarks.Count * 4];
            for (int i = 0; i < skeleton.Landmarks.Count; i++)
            {
                var (bone, rest) = skeleton.Landmarks[i];
                (data[4 * i], data[4 * i + 1], data[4 * i + 2], data[4 * i + 3]) = (rest.X, rest.Y, rest.Z, bone);
            }
            gl.NamedBufferData<float>(_markerBuffer.Id, data, BufferUsageARB.StreamDraw);
            UploadBones(scene.Skinning);
            gl.UseProgram(_marker.Id);
            gl.ProgramUniformMatrix4(_marker.Id, _marker.Uniform("uBones"), false, _bones);
            gl.ProgramUniformMatrix4(_marker.Id, _marker.Uniform("uViewProjection"), false, Floats(scene.Camera.ViewProjection));
            gl.ProgramUniform2(_marker.Id, _marker.Uniform("uViewport"), (float)Width, Height);
            gl.ProgramUniform1(_marker.Id, _marker.Uniform("uHalf"), halfSize);
            gl.Disable(EnableCap.DepthTest);
            gl.BindVertexArray(_markerVao.Id);
            if (only >= 0) gl.DrawArraysInstancedBaseInstance(PrimitiveType.Triangles, 0, 6, 1, (uint)only);
            else gl.DrawArraysInstanced(PrimitiveType.Triangles, 0, 6, (uint)skeleton.Landmarks.Count);
            Read(gl, rgba, default);
        }
        finally
        {
            Unbind();
            _context.Release();
        }
    }

    private void Begin(GL gl, bool clearColor = true)
    {
        gl.BindFramebuffer(FramebufferTarget.Framebuffer, _framebuffer.Id);
        gl.Viewport(0, 0, (uint)Width, (uint)Height);
        gl.ClearColor(0, 0, 0, 0);
        gl.ClearDepth(1);
        gl.DepthMask(true);
        gl.Clear(clearColor ? ClearBufferMask.ColorBufferBit | ClearBufferMask.DepthBufferBit : ClearBufferMask.DepthBufferBit);
        gl.Disable(EnableCap.CullFace);
        gl.Disable(EnableCap.Blend);
    }

    private void Scenery(GL gl, SynthScene scene)
    {
        var p = _scenery;
        gl.UseProgram(p.Id);
        gl.BindVertexArray(_sceneryVao.Id);
        gl.ProgramUniformMatrix4(p.Id, p.Uniform("uViewProjection"), false, Floats(scene.Camera.ViewProjection));
        SetLight(gl, p, scene);
        Vec3(gl, p, "uHaze", scene.Haze);
        Vec3(gl, p, "uEye", scene.Camera.Eye);
    }

    // the ground, depth-tested and written, so it hides what is below it
    private void DrawGround(GL gl, SynthScene scene)
    {
        var p = _scenery;
        Scenery(gl, scene);
        gl.Enable(EnableCap.DepthTest);
        gl.DepthFunc(DepthFunction.Less);
        gl.DepthMask(true);
        gl.ProgramUniform1(p.Id, p.Uniform("uMode"), 1);
        Vec3(gl, p, "uColor", scene.GroundColor);
        gl.ProgramUniform2(p.Id, p.Uniform("uGroundCentre"), scene.GroundCentre.X, scene.GroundCentre.Y);
        gl.ProgramUniform1(p.Id, p.Uniform("uGroundSize"), 60f);
        gl.ProgramUniform1(p.Id, p.Uniform("uTile"), scene.GroundTile);
        BindTexture(gl, p, "uImage", scene.GroundTexture);
        gl.ProgramUniform1(p.Id, p.Uniform("uTextured"), scene.GroundTexture >= 0 ? 1 : 0);
        gl.DrawArrays(PrimitiveType.Triangles, 0, 6);
    }

    // the backdrop last, on the far plane, where nothing was drawn (the depth test rejects the rest before shading)
    private void DrawBackdrop(GL gl, SynthScene scene)
    {
        var p = _scenery;
        Scenery(gl, scene);
        gl.Disable(EnableCap.CullFace);
        gl.Enable(EnableCap.DepthTest);
        gl.DepthFunc(DepthFunction.Lequal);
        gl.DepthMask(false);
        gl.ProgramUniform1(p.Id, p.Uniform("uMode"), 0);
        Vec3(gl, p, "uColor", scene.SkyColor);
        BindTexture(gl, p, "uImage", scene.SkyTexture);
        gl.ProgramUniform1(p.Id, p.Uniform("uTextured"), scene.SkyTexture >= 0 ? 1 : 0);
        gl.DrawArrays(PrimitiveType.Triangles, 0, 3);
        gl.DepthFunc(DepthFunction.Less);
        gl.DepthMask(true);
    }

    private void SetLight(GL gl, GlProgram p, SynthScene scene)
    {
        Vec3(gl, p, "uToLight", scene.ToLight);
        Vec3(gl, p, "uLightColor", scene.LightColor);
        Vec3(gl, p, "uAmbient", scene.Ambient);
    }

    private void BindTexture(GL gl, GlProgram p, string name, int index)
    {
        gl.BindTextureUnit(0, index >= 0 && index < _textures.Count ? _textures[index].Id : 0);
        gl.ProgramUniform1(p.Id, p.Uniform(name), 0);
    }

    private static void Vec3(GL gl, GlProgram p, string name, Vector3 v) => gl.ProgramUniform3(p.Id, p.Uniform(name), v.X, v.Y, v.Z);

    private void UploadBones(Matrix4x4[] skinning)
    {
        if (skinning.Length != HorseBones.Count) throw new ArgumentException($"{skinning.Length} bone matrices, {HorseBones.Count} expected.");
        MemoryMarshal.Cast<Matrix4x4, float>(skinning).CopyTo(_bones);
    }

    private static float[] Floats(Matrix4x4 m) => MemoryMarshal.Cast<Matrix4x4, float>(new[] { m }).ToArray();

    private void Read(GL gl, Span<byte> rgba, Span<float> depth)
    {
        gl.PixelStore(PixelStoreParameter.PackAlignment, 1);
        gl.ReadPixels(0, 0, (uint)Width, (uint)Height, GlPixelFormat.Rgba, PixelType.UnsignedByte, out rgba[0]);
        if (!depth.IsEmpty) gl.ReadPixels(0, 0, (uint)Width, (uint)Height, GlPixelFormat.DepthComponent, PixelType.Float, out depth[0]);
        GlError.Check(gl, "reading back a synthetic image");
    }

    private void Unbind()
    {
        _context.Gl.BindFramebuffer(FramebufferTarget.Framebuffer, 0);
        _context.Gl.BindVertexArray(0);
    }

    private static void Check(int got, int want, string what)
    {
        if (got != want) throw new ArgumentException($"The {what} buffer holds {got} values, {want} expected.");
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _context.MakeCurrent();
        foreach (var t in _textures) t.Dispose();
        foreach (var m in _lods) m.Dispose();
        _markerBuffer?.Dispose();
        _markerVao?.Dispose();
        _sceneryVao?.Dispose();
        _framebuffer?.Dispose();
        _depth?.Dispose();
        _color?.Dispose();
        _marker?.Dispose();
        _scenery?.Dispose();
        _horse?.Dispose();
        _context.Dispose();
    }
}
