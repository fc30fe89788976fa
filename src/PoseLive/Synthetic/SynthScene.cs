using System.Numerics;

namespace PoseLive.Synthetic;

/// <summary>Everything one synthetic image is drawn from, except the mesh: camera, pose, light, coat and scenery.</summary>
public sealed record SynthScene
{
    public required SynthCamera Camera { get; init; }
    public required Matrix4x4[] Skinning { get; init; }
    /// <summary>Which of the animal's meshes to draw (0 finest; see <see cref="HorseMesh.LodCells"/>).</summary>
    public int Lod { get; init; }
    public Vector3 ToLight { get; init; } = Vector3.Normalize(new Vector3(0.3f, 1, 0.4f));
    public Vector3 LightColor { get; init; } = new(0.85f);
    public Vector3 Ambient { get; init; } = new(0.35f);
    /// <summary>0: hard Lambert light (basic); 1: soft wrapped light (photo).</summary>
    public float Soft { get; init; }
    /// <summary>Planar shadow opacity (0: none).</summary>
    public float Shadow { get; init; }
    public CoatPattern Coat { get; init; } = CoatPattern.Bay;
    public Vector3 CoatBase { get; init; } = new(0.45f, 0.26f, 0.13f);
    public Vector3 CoatPoints { get; init; } = new(0.06f);
    public Vector3 CoatHair { get; init; } = new(0.05f);
    public float PatternSeed { get; init; }
    /// <summary>Texture index of the coat image (<see cref="CoatPattern.Image"/>).</summary>
    public int CoatTexture { get; init; } = -1;
    public float CoatTextureScale { get; init; } = 0.8f;
    /// <summary>Texture index of the backdrop, or −1 for a plain gradient from <see cref="SkyColor"/> to <see cref="Haze"/>.</summary>
    public int SkyTexture { get; init; } = -1;
    public int GroundTexture { get; init; } = -1;
    public Vector3 SkyColor { get; init; } = new(0.6f, 0.7f, 0.85f);
    public Vector3 GroundColor { get; init; } = new(0.4f, 0.45f, 0.3f);
    public Vector3 Haze { get; init; } = new(0.75f, 0.78f, 0.8f);
    /// <summary>Ground texture tile size in metres.</summary>
    public float GroundTile { get; init; } = 4;
    public Vector2 GroundCentre { get; init; }
}

/// <summary>Coat patterns the horse shader draws (Image: a real image mapped onto the skin).</summary>
public enum CoatPattern { Bay = 0, Chestnut = 1, Black = 2, Grey = 3, Dapple = 4, Pinto = 5, Appaloosa = 6, Zebra = 7, Image = 8 }
