#version 450 core
// The backdrop (uMode 0: a full-screen triangle behind everything) and the ground plane (uMode 1: a square of
// side 2·uGroundSize on y = 0 around uGroundCentre).
uniform int uMode;
uniform mat4 uViewProjection;
uniform vec2 uGroundCentre;
uniform float uGroundSize;
out vec2 vUv;
out vec3 vWorld;

void main()
{
    if (uMode == 0)
    {
        vec2 p = vec2((gl_VertexID == 1) ? 3.0 : -1.0, (gl_VertexID == 2) ? 3.0 : -1.0);
        vUv = vec2(p.x * 0.5 + 0.5, p.y * 0.5 + 0.5);   // clip y is flipped (image rows top first): v = 0 at the top row
        vWorld = vec3(0.0);
        gl_Position = vec4(p, 1.0, 1.0);
        return;
    }
    vec2 corner = vec2((gl_VertexID == 1 || gl_VertexID == 2 || gl_VertexID == 4) ? 1.0 : -1.0,
                       (gl_VertexID == 2 || gl_VertexID == 4 || gl_VertexID == 5) ? 1.0 : -1.0);
    vec3 world = vec3(uGroundCentre.x + corner.x * uGroundSize, 0.0, uGroundCentre.y + corner.y * uGroundSize);
    vWorld = world;
    vUv = world.xz;
    gl_Position = uViewProjection * vec4(world, 1.0);
}
