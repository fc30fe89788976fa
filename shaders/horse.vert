#version 450 core
// The horse, skinned on the CPU (HorseMesh.Skin). Matrices are System.Numerics row-vector matrices uploaded as they
// are, so GLSL sees their transposes and M * v here equals v · M on the CPU (SynthCamera projects labels with it).
layout(location = 0) in vec3 aWorld;      // posed position
layout(location = 1) in vec3 aNormal;     // posed normal
layout(location = 2) in vec3 aRest;       // rest position: coat patterns stay on the skin
layout(location = 3) in float aRegion;

uniform mat4 uViewProjection;
uniform int uShadow;          // 1: flatten onto the ground along uLightTravel (planar shadow)
uniform vec3 uLightTravel;    // direction the light travels (y < 0)

out vec3 vWorld;
out vec3 vNormal;
out vec3 vRest;
out float vRegion;

void main()
{
    vec3 world = aWorld;
    if (uShadow == 1)
        world -= uLightTravel * ((world.y - 0.002) / uLightTravel.y);
    vWorld = world;
    vNormal = aNormal;
    vRest = aRest;
    vRegion = aRegion;
    gl_Position = uViewProjection * vec4(world, 1.0);
}
