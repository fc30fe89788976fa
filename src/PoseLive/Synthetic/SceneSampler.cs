using System.Numerics;

namespace PoseLive.Synthetic;

/// <summary>Post-processing of one photo-style image: motion blur (0: none), Gaussian sensor noise σ in grey levels, JPEG quality.</summary>
public readonly record struct PostEffects(int BlurLength, float BlurAngle, float Noise, int JpegQuality);

/// <summary>One image to render: which animal, its pose, the scene, post effects and (for clips) clip and frame.</summary>
public sealed record SynthSample(int Animal, Gait Gait, PosedHorse Posed, SynthScene Scene, PostEffects Post, int Clip, int Frame);

/// <summary>
/// Draws every random choice of a synthetic image from (seed, image index, attempt) alone, so any image can be made
/// again on its own (resume, determinism): the animal's gait and pose, the camera (azimuth 0–360°, elevation in
/// range, distance so the animal fills the drawn share of the frame, look-at jittered inside the frame), light, coat
/// and scenery of the style. In clips the animal, gait, coat, light and camera offset are the clip's, the stride phase
/// and position advance with time, and the camera follows the animal.
/// </summary>
public sealed class SceneSampler(SynthOptions options, int textures)
{
    private const int StreamShape = 1, StreamImage = 2, StreamClip = 3;

    /// <summary>The animal (shape) image <paramref name="index"/> shows.</summary>
    public int AnimalOf(long index) => options.Clips > 0 ? (int)(index / options.FramesPerClip) : (int)(index / options.ImagesPerAnimal);

    public HorseShape ShapeOf(int animal) => HorseShape.Sample(Rng(StreamShape, animal, 0), options.Shapes);

    public SynthSample Sample(long index, int attempt, HorseSkeleton skeleton, HorseMesh mesh)
    {
        int animal = AnimalOf(index);
        bool clip = options.Clips > 0;
        int frame = clip ? (int)(index % options.FramesPerClip) : 0;
        // in a clip everything but time comes from the clip's stream (attempts only re-aim a still's camera)
        var rng = clip ? Rng(StreamClip, animal, 0) : Rng(StreamImage, index, attempt);
        var gait = options.Gaits[rng.Next(options.Gaits.Count)];
        var motion = new HorseMotion(gait, rng);
        double phase0 = rng.NextDouble(), heading0 = rng.NextDouble() * 360;
        double t = clip ? frame / options.Fps : 0;
        var pose = motion.At(phase0 + motion.StrideFrequency * t, t, skeleton);
        double omega = motion.TurnRate * Math.PI / 180, h0 = heading0 * Math.PI / 180, v = motion.Speed;
        double h = h0 + omega * t;
        var ground = Math.Abs(omega) < 1e-9
            ? new Vector2((float)(v * t * Math.Cos(h0)), (float)(-v * t * Math.Sin(h0)))
            : new Vector2((float)(v / omega * (Math.Sin(h) - Math.Sin(h0))), (float)(v / omega * (Math.Cos(h) - Math.Cos(h0))));
        pose.Ground = ground;
        pose.Heading = (float)(h * 180 / Math.PI);
        var posed = new PosedHorse(skeleton, pose);

        // camera: around the animal's centre
        var scenery = clip ? rng : Rng(StreamImage, index, 1000 + attempt);
        var camRng = clip ? rng : Rng(StreamImage, index, 2000 + attempt);
        var centre = Centre(posed);
        double azimuth = camRng.NextDouble() * 360, elevation = Lerp(camRng, options.MinElevation, options.MaxElevation);
        double fill = Lerp(camRng, options.MinFill, options.MaxFill);
        float jx = (float)(camRng.NextDouble() * 2 - 1), jy = (float)(camRng.NextDouble() * 2 - 1);
        var camera = Aim(posed, mesh, centre, azimuth, elevation, fill, jx, jy);

        // light: a sun between 25° and 75° up
        double sunAz = scenery.NextDouble() * Math.Tau, sunEl = (25 + scenery.NextDouble() * 50) * Math.PI / 180;
        var toLight = new Vector3((float)(Math.Cos(sunEl) * Math.Cos(sunAz)), (float)Math.Sin(sunEl), (float)(Math.Cos(sunEl) * Math.Sin(sunAz)));
        float warm = (float)(scenery.NextDouble() * 0.15);
        float intensity = (float)(0.65 + scenery.NextDouble() * 0.35);
        var lightColor = new Vector3(intensity * (1 + warm * 0.5f), intensity, intensity * (1 - warm));
        bool photo = options.Style == SynthStyle.Photo;
        var ambient = new Vector3((float)((photo ? 0.35 : 0.25) + scenery.NextDouble() * 0.15));

        var (coat, body, points, hair) = Coat(scenery, photo && textures > 0);
        float withersPixels = camera.Focal * (float)skeleton.Shape.WithersHeight / MathF.Max(0.1f, Vector3.Distance(camera.Eye, centre));
        var scene = new SynthScene
        {
            Camera = camera,
            Skinning = posed.Skinning,
            Lod = HorseMesh.LodFor(withersPixels),
            ToLight = toLight,
            LightColor = lightColor,
            Ambient = ambient,
            Soft = photo ? 1 : 0,
            Shadow = photo && scenery.NextDouble() < 0.85 ? (float)(0.3 + scenery.NextDouble() * 0.3) : 0,
            Coat = coat,
            CoatBase = body,
            CoatPoints = points,
            CoatHair = hair,
            PatternSeed = (float)(scenery.NextDouble() * 100),
            CoatTexture = coat == CoatPattern.Image ? scenery.Next(textures) : -1,
            CoatTextureScale = (float)(0.5 + scenery.NextDouble()),
            SkyTexture = photo && textures > 0 ? scenery.Next(textures) : -1,
            GroundTexture = photo && textures > 0 ? scenery.Next(textures) : -1,
            SkyColor = PlainColour(scenery, 0.55, 0.95),
            GroundColor = PlainColour(scenery, 0.25, 0.7),
            Haze = photo ? new Vector3(0.72f, 0.75f, 0.8f) : PlainColour(scenery, 0.6, 0.95),
            GroundTile = (float)(3 + scenery.NextDouble() * 7),
            GroundCentre = ground,
        };
        var post = photo
            ? new PostEffects(scenery.NextDouble() < 0.4 ? 3 + scenery.Next(5) : 0, (float)(scenery.NextDouble() * 180),
                scenery.NextDouble() < 0.7 ? (float)(1 + scenery.NextDouble() * 5) : 0, 45 + scenery.Next(51))
            : new PostEffects(0, 0, 0, 95);
        return new SynthSample(animal, gait, posed, scene, post, clip ? animal : -1, frame);
    }

    // the animal's middle: the mean of its landmarks
    private static Vector3 Centre(PosedHorse posed)
    {
        var sum = Vector3.Zero;
        foreach (var p in posed.Landmarks) sum += p;
        return sum / posed.Landmarks.Length;
    }

    /// <summary>
    /// Places the camera at <paramref name="azimuth"/>/<paramref name="elevation"/> from the animal's centre, at the
    /// distance where the animal's projected box side is <paramref name="fill"/> of the frame's, then shifts the
    /// look-at so the animal sits off centre by up to the slack that keeps it in frame (jx, jy ∈ [−1, 1]).
    /// </summary>
    private SynthCamera Aim(PosedHorse posed, HorseMesh mesh, Vector3 centre, double azimuth, double elevation, double fill, float jx, float jy)
    {
        var samples = new List<Vector3>(mesh.VertexCount / 29 + 1);
        for (int v = 0; v < mesh.VertexCount; v += 29) samples.Add(mesh.Skin(v, posed.Skinning));
        double az = azimuth * Math.PI / 180, el = elevation * Math.PI / 180;
        var dir = new Vector3((float)(Math.Cos(el) * Math.Cos(az)), (float)Math.Sin(el), (float)(Math.Cos(el) * Math.Sin(az)));
        // the animal's box side shrinks as the camera backs away: bisect for the distance giving the drawn fill, never
        // closer than the animal's own extent (with a 90° lens a close camera would otherwise sit inside the animal)
        float reach = samples.Max(p => Vector3.Distance(p, centre));
        SynthCamera At(float d)
        {
            var eye = centre + dir * d;
            if (eye.Y < 0.15f) eye.Y = 0.15f;
            return new SynthCamera(eye, centre, options.Width, options.Height, options.FieldOfView);
        }
        double Side(SynthCamera c)
        {
            var (w, h) = Extent(c, samples);
            return Math.Max(w / options.Width, h / options.Height);
        }
        float near = 1.15f * reach + 0.3f, far = 60f;
        SynthCamera camera = At(near);
        if (Side(camera) > fill)
        {
            for (int iteration = 0; iteration < 16; iteration++)
            {
                float mid = MathF.Sqrt(near * far);
                if (Side(At(mid)) > fill) near = mid; else far = mid;
            }
            camera = At(MathF.Sqrt(near * far));
        }
        // off-centre: turn the camera so the animal's box sits at a random place that keeps it inside the frame: the box
        // centre moves by −Δ·f/depth when the look-at moves by Δ across the view (two passes: that is only nearly linear)
        var eyeFinal = camera.Eye;
        var forward = Vector3.Normalize(centre - eyeFinal);
        var right = Vector3.Normalize(Vector3.Cross(forward, Vector3.UnitY));
        var up = Vector3.Cross(right, forward);
        float depth = Vector3.Distance(eyeFinal, centre);
        var target = centre;
        for (int pass = 0; pass < 2; pass++)
        {
            var (x0, y0, x1, y1) = Box(camera, samples);
            float slackX = MathF.Max(0, (options.Width - (x1 - x0)) / 2 * 0.9f), slackY = MathF.Max(0, (options.Height - (y1 - y0)) / 2 * 0.9f);
            float wantX = (options.Width - 1) / 2f + jx * slackX, wantY = (options.Height - 1) / 2f + jy * slackY;
            float sx = wantX - (x0 + x1) / 2, sy = wantY - (y0 + y1) / 2;
            target += -right * (sx * depth / camera.Focal) + up * (sy * depth / camera.Focal);
            camera = new SynthCamera(eyeFinal, target, options.Width, options.Height, options.FieldOfView);
        }
        return camera;
    }

    private static (float X0, float Y0, float X1, float Y1) Box(SynthCamera camera, List<Vector3> points)
    {
        float x0 = float.MaxValue, y0 = float.MaxValue, x1 = float.MinValue, y1 = float.MinValue;
        foreach (var p in points)
        {
            var (x, y, d) = camera.Project(p);
            if (d <= 0) continue;
            x0 = MathF.Min(x0, x); x1 = MathF.Max(x1, x); y0 = MathF.Min(y0, y); y1 = MathF.Max(y1, y);
        }
        return x1 < x0 ? (0, 0, 0, 0) : (x0, y0, x1, y1);
    }

    private static (double W, double H) Extent(SynthCamera camera, List<Vector3> points)
    {
        var (x0, y0, x1, y1) = Box(camera, points);
        return (x1 - x0, y1 - y0);
    }

    private static (CoatPattern, Vector3, Vector3, Vector3) Coat(Random r, bool images)
    {
        // common coats more often than rare ones (bay, chestnut, black, grey make most horses)
        ReadOnlySpan<double> weights = [0.24, 0.2, 0.12, 0.1, 0.08, 0.08, 0.05, 0.05, images ? 0.08 : 0];
        double total = 0;
        foreach (var w in weights) total += w;
        double pick = r.NextDouble() * total;
        var coat = CoatPattern.Bay;
        for (int c = 0; c < weights.Length; c++)
        {
            if (pick < weights[c]) { coat = (CoatPattern)c; break; }
            pick -= weights[c];
        }
        // brightness ×0.8–1.2 and a slight tint ×0.95–1.05 per channel
        Vector3 J(Vector3 c) => Vector3.Clamp(c * (float)(0.8 + 0.4 * r.NextDouble()) * new Vector3((float)(0.95 + 0.1 * r.NextDouble()), (float)(0.95 + 0.1 * r.NextDouble()), (float)(0.95 + 0.1 * r.NextDouble())), Vector3.Zero, Vector3.One);
        var bay = new Vector3(0.42f, 0.22f, 0.1f);
        var chestnut = new Vector3(0.55f, 0.27f, 0.11f);
        var black = new Vector3(0.07f, 0.065f, 0.06f);
        return coat switch
        {
            CoatPattern.Bay => (coat, J(bay), J(black), J(black)),
            CoatPattern.Chestnut => (coat, J(chestnut), J(chestnut * 0.9f), r.NextDouble() < 0.3 ? J(new Vector3(0.85f, 0.75f, 0.55f)) : J(chestnut * 1.1f)),
            CoatPattern.Black => (coat, J(black), J(black), J(black)),
            CoatPattern.Grey => (coat, J(new Vector3(0.78f, 0.78f, 0.76f)), J(new Vector3(0.45f)), J(new Vector3(0.7f))),
            CoatPattern.Dapple => (coat, J(new Vector3(0.62f)), J(new Vector3(0.3f)), J(new Vector3(0.5f))),
            CoatPattern.Pinto => (coat, J(r.NextDouble() < 0.5 ? bay : black), J(new Vector3(0.85f)), J(black)),
            CoatPattern.Appaloosa => (coat, J(r.NextDouble() < 0.5 ? new Vector3(0.5f, 0.35f, 0.25f) : new Vector3(0.85f, 0.83f, 0.8f)), J(new Vector3(0.3f)), J(black)),
            CoatPattern.Zebra => (coat, new Vector3(0.9f), new Vector3(0.9f), black),
            _ => (coat, J(bay), J(black), J(black)),
        };
    }

    private static Vector3 PlainColour(Random r, double lo, double hi)
    {
        // a random hue at a random value, moderately saturated
        double hue = r.NextDouble() * 6, sat = 0.15 + r.NextDouble() * 0.5, val = lo + (hi - lo) * r.NextDouble();
        double c = val * sat, x = c * (1 - Math.Abs(hue % 2 - 1)), m = val - c;
        var (rr, gg, bb) = (int)hue switch { 0 => (c, x, 0.0), 1 => (x, c, 0.0), 2 => (0.0, c, x), 3 => (0.0, x, c), 4 => (x, 0.0, c), _ => (c, 0.0, x) };
        return new Vector3((float)(rr + m), (float)(gg + m), (float)(bb + m));
    }

    private static double Lerp(Random r, double lo, double hi) => lo + (hi - lo) * r.NextDouble();

    private Random Rng(int stream, long index, int attempt) => new(SeedFor(options.Seed, stream, index, attempt));

    /// <summary>A 31-bit seed mixed from the run's seed, a stream, an index and an attempt (SplitMix64 finaliser).</summary>
    public static int SeedFor(ulong seed, int stream, long index, int attempt)
    {
        ulong z = seed + 0x9E3779B97F4A7C15UL * (ulong)(stream + 1) + 0xBF58476D1CE4E5B9UL * (ulong)index + 0x94D049BB133111EBUL * (ulong)(attempt + 1);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (int)(z & 0x7FFFFFFF);
    }
}
