using PoseLive.Estimation;
using PoseLive.Interop.Gl;
using PoseLive.Media;
using PoseLive.Pose;
using Silk.NET.OpenGL;
using GlPixelFormat = Silk.NET.OpenGL.PixelFormat;
using PixelFormat = PoseLive.Media.PixelFormat;

namespace PoseLive.Rendering;

/// <summary>
/// Draws a decoded frame and the tracked poses with the shaders in shaders/: the frame as a textured
/// quad (RGB24 rows or YUV planes, converted on the GPU), heatmaps through a colour map inside each
/// person's crop, and skeletons as instanced limbs and joints with per-track colours and
/// confidence-scaled alpha. Needs a current GL 4.5 context; owns its GL objects.
/// </summary>
internal sealed class PoseRenderer : IDisposable
{
    private readonly GL _gl;
    private readonly KeypointSchema _schema;
    private readonly GlProgram _video, _skeleton, _heatmap;
    private readonly GlVertexArray _vao;
    private readonly GlBuffer _primitives;
    private readonly string _shaderDirectory;
    private GlTexture? _bytes, _u, _v, _heat;
    private TextLayer? _text;                                            // made on first use (ids, HUD)
    private readonly char[] _label = new char[12];
    private float[] _staging = new float[12 * 256];

    public PoseRenderer(GL gl, KeypointSchema schema, string? shaderDirectory = null)
    {
        _gl = gl;
        _schema = schema;
        var dir = shaderDirectory ?? ShaderDirectory();
        _shaderDirectory = dir;
        _video = GlProgram.FromFiles(gl, Path.Combine(dir, "video.vert"), Path.Combine(dir, "video.frag"));
        _skeleton = GlProgram.FromFiles(gl, Path.Combine(dir, "skeleton.vert"), Path.Combine(dir, "skeleton.frag"));
        _heatmap = GlProgram.FromFiles(gl, Path.Combine(dir, "heatmap.vert"), Path.Combine(dir, "heatmap.frag"));
        _vao = GlVertexArray.Create(gl);
        _primitives = GlBuffer.Create(gl);
        GlError.Check(gl, "creating the renderer");
    }

    /// <summary>shaders/ beside the application (copied by the build), else in the checkout.</summary>
    public static string ShaderDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shaders");
            if (File.Exists(Path.Combine(candidate, "skeleton.vert"))) return candidate;
        }
        throw new RenderingException($"The shaders/ folder was not found beside {AppContext.BaseDirectory}.");
    }

    /// <summary>Draws into the bound framebuffer of size <paramref name="width"/>×<paramref name="height"/>.</summary>
    public void Draw(VideoFrame frame, RenderScene scene, int width, int height, bool flipY)
    {
        var gl = _gl;
        gl.Viewport(0, 0, (uint)width, (uint)height);
        gl.ClearColor(0, 0, 0, 1);
        gl.Clear(ClearBufferMask.ColorBufferBit);
        gl.BindVertexArray(_vao.Id);
        float flip = flipY ? 1 : 0;

        UploadFrame(frame);
        gl.UseProgram(_video.Id);
        gl.ProgramUniform2(_video.Id, _video.Uniform("u_size"), (float)frame.Width, (float)frame.Height);
        gl.ProgramUniform1(_video.Id, _video.Uniform("u_flip_y"), flip);
        gl.ProgramUniform1(_video.Id, _video.Uniform("u_mode"), frame.Format == PixelFormat.Yuv420p ? 1 : 0);
        gl.ProgramUniform1(_video.Id, _video.Uniform("u_bytes"), 0);
        gl.ProgramUniform1(_video.Id, _video.Uniform("u_u"), 1);
        gl.ProgramUniform1(_video.Id, _video.Uniform("u_v"), 2);
        gl.BindTextureUnit(0, _bytes!.Id);
        if (frame.Format == PixelFormat.Yuv420p) { gl.BindTextureUnit(1, _u!.Id); gl.BindTextureUnit(2, _v!.Id); }
        gl.DrawArraysInstanced(PrimitiveType.TriangleStrip, 0, 4, 1);

        gl.Enable(EnableCap.Blend);
        gl.BlendFunc(BlendingFactor.SrcAlpha, BlendingFactor.OneMinusSrcAlpha);
        if (scene.ShowHeatmaps)
            foreach (var p in scene.People)
                if (p.Heatmap is { } h) DrawHeatmap(h, frame.Width, frame.Height, flip);
        int count = BuildPrimitives(scene);
        if (count > 0)
        {
            gl.NamedBufferData<float>(_primitives.Id, _staging.AsSpan(0, count * 12), BufferUsageARB.DynamicDraw);
            gl.BindBufferBase(BufferTargetARB.ShaderStorageBuffer, 0, _primitives.Id);
            gl.UseProgram(_skeleton.Id);
            gl.ProgramUniform2(_skeleton.Id, _skeleton.Uniform("u_size"), (float)frame.Width, (float)frame.Height);
            gl.ProgramUniform1(_skeleton.Id, _skeleton.Uniform("u_flip_y"), flip);
            gl.DrawArraysInstanced(PrimitiveType.TriangleStrip, 0, 4, (uint)count);
        }
        gl.Disable(EnableCap.Blend);
        if (scene.ShowTrackIds || scene.Hud.Count > 0) DrawText(scene, frame.Width, frame.Height, flipY);
        GlError.Check(gl, "drawing a frame");
    }

    /// <summary>Track ids above each box, and the HUD lines top-left on a translucent backdrop.</summary>
    private void DrawText(RenderScene scene, int frameWidth, int frameHeight, bool flipY)
    {
        var text = _text ??= new TextLayer(_gl, _shaderDirectory);
        if (scene.ShowTrackIds)
            foreach (var p in scene.People)
            {
                _label[0] = '#';
                if (!p.ColorIndex.TryFormat(_label.AsSpan(1), out int n)) continue;
                var label = _label.AsSpan(0, n + 1);
                float x = Math.Clamp(p.Box.X, 0, Math.Max(0, frameWidth - text.Measure(label)));
                float y = Math.Clamp(p.Box.Y - text.LineHeight, 0, Math.Max(0, frameHeight - text.LineHeight));
                text.Rectangle(x - 1, y, text.Measure(label) + 2, text.LineHeight, (0, 0, 0), 0.45f);
                text.Text(label, x, y, CpuOverlay.ColorFor(p.ColorIndex));
            }
        if (scene.Hud.Count > 0)
        {
            int width = 0;
            foreach (var line in scene.Hud) width = Math.Max(width, text.Measure(line));
            text.Rectangle(4, 4, width + 12, scene.Hud.Count * text.LineHeight + 8, (0, 0, 0), 0.6f);
            for (int i = 0; i < scene.Hud.Count; i++) text.Text(scene.Hud[i], 10, 8 + i * text.LineHeight, (255, 255, 255));
        }
        text.Draw(frameWidth, frameHeight, flipY);
    }

    private void UploadFrame(VideoFrame frame)
    {
        if (frame.Format is not (PixelFormat.Rgb24 or PixelFormat.Yuv420p))
            throw new RenderingException($"The renderer draws RGB24 or YUV420p frames, not {frame.Format}.");
        int stride = frame.PlaneStride(0);
        int bytesWide = frame.Format == PixelFormat.Rgb24 ? stride : stride;
        _bytes = Ensure(_bytes, bytesWide, frame.Height, SizedInternalFormat.R8ui);
        _bytes.Upload<byte>(frame.Plane(0), GlPixelFormat.RedInteger, PixelType.UnsignedByte);
        if (frame.Format == PixelFormat.Yuv420p)
        {
            var (_, ch) = frame.Format.PlaneSize(1, frame.Width, frame.Height);
            _u = Ensure(_u, frame.PlaneStride(1), ch, SizedInternalFormat.R8ui);
            _v = Ensure(_v, frame.PlaneStride(2), ch, SizedInternalFormat.R8ui);
            _u.Upload<byte>(frame.Plane(1), GlPixelFormat.RedInteger, PixelType.UnsignedByte);
            _v.Upload<byte>(frame.Plane(2), GlPixelFormat.RedInteger, PixelType.UnsignedByte);
        }
    }

    private GlTexture Ensure(GlTexture? texture, int width, int height, SizedInternalFormat format)
    {
        if (texture is { } t && t.Width == width && t.Height == height && t.Format == format) return t;
        texture?.Dispose();
        return GlTexture.Create(_gl, format, width, height, linear: format == SizedInternalFormat.R32f);
    }

    private void DrawHeatmap(PersonHeatmap h, int frameWidth, int frameHeight, float flip)
    {
        var gl = _gl;
        _heat = Ensure(_heat, h.Width, h.Height, SizedInternalFormat.R32f);
        _heat.Upload<float>(h.Values, GlPixelFormat.Red, PixelType.Float);
        var m = h.InputToImage;
        var (x0, y0) = m.Apply(0, 0);
        var (x1, y1) = m.Apply(h.InputWidth, 0);
        var (x2, y2) = m.Apply(0, h.InputHeight);
        var (x3, y3) = m.Apply(h.InputWidth, h.InputHeight);
        gl.UseProgram(_heatmap.Id);
        gl.ProgramUniform2(_heatmap.Id, _heatmap.Uniform("u_size"), (float)frameWidth, (float)frameHeight);
        gl.ProgramUniform1(_heatmap.Id, _heatmap.Uniform("u_flip_y"), flip);
        gl.ProgramUniform4(_heatmap.Id, _heatmap.Uniform("u_corners01"), (float)x0, (float)y0, (float)x1, (float)y1);
        gl.ProgramUniform4(_heatmap.Id, _heatmap.Uniform("u_corners23"), (float)x2, (float)y2, (float)x3, (float)y3);
        gl.ProgramUniform1(_heatmap.Id, _heatmap.Uniform("u_opacity"), 0.75f);
        gl.ProgramUniform1(_heatmap.Id, _heatmap.Uniform("u_heatmap"), 0);
        gl.BindTextureUnit(0, _heat.Id);
        gl.DrawArraysInstanced(PrimitiveType.TriangleStrip, 0, 4, 1);
    }

    /// <summary>Fills the staging buffer with segments (limbs, box edges) and joints; returns how many.</summary>
    private int BuildPrimitives(RenderScene scene)
    {
        int n = 0;
        void Add(float ax, float ay, float bx, float by, (byte R, byte G, byte B) c, float alpha, float radius, bool joint)
        {
            if ((n + 1) * 12 > _staging.Length) Array.Resize(ref _staging, _staging.Length * 2);
            var s = _staging.AsSpan(n * 12, 12);
            s[0] = ax; s[1] = ay; s[2] = bx; s[3] = by;
            s[4] = c.R / 255f; s[5] = c.G / 255f; s[6] = c.B / 255f; s[7] = alpha;
            s[8] = radius; s[9] = joint ? 1 : 0; s[10] = 0; s[11] = 0;
            n++;
        }
        foreach (var b in scene.ShowDetectorBoxes ? scene.DetectorBoxes : [])
            foreach (var (ax, ay, bx, by) in Edges(b)) Add(ax, ay, bx, by, (255, 255, 255), 0.6f, 1f, false);
        foreach (var p in scene.People)
        {
            var color = CpuOverlay.ColorFor(p.ColorIndex);
            float faint = p.Extrapolated ? 0.35f : 1f;                    // a tracker's guess, not this frame's estimate
            if (scene.ShowBoxes)
                foreach (var (ax, ay, bx, by) in Edges(p.Box)) Add(ax, ay, bx, by, color, 0.8f * faint, 1f, false);
            if (!scene.ShowSkeletons) continue;
            foreach (var (a, c) in _schema.Skeleton)
            {
                var ka = p.Keypoints[a];
                var kc = p.Keypoints[c];
                if (ka.IsMissing || kc.IsMissing || ka.Score < scene.MinKeypointScore || kc.Score < scene.MinKeypointScore) continue;
                Add(ka.X, ka.Y, kc.X, kc.Y, color, faint * Math.Clamp(Math.Min(ka.Score, kc.Score), 0.25f, 1f), 2f, false);
            }
            foreach (var k in p.Keypoints)
                if (!k.IsMissing && k.Score >= scene.MinKeypointScore) Add(k.X, k.Y, k.X, k.Y, color, faint * Math.Clamp(k.Score, 0.25f, 1f), 4f, true);
        }
        return n;
    }

    private static IEnumerable<(float, float, float, float)> Edges(BoundingBox b) =>
        [(b.X, b.Y, b.Right, b.Y), (b.Right, b.Y, b.Right, b.Bottom), (b.Right, b.Bottom, b.X, b.Bottom), (b.X, b.Bottom, b.X, b.Y)];

    public void Dispose()
    {
        _bytes?.Dispose(); _u?.Dispose(); _v?.Dispose(); _heat?.Dispose(); _text?.Dispose();
        _primitives.Dispose(); _vao.Dispose();
        _video.Dispose(); _skeleton.Dispose(); _heatmap.Dispose();
    }
}
