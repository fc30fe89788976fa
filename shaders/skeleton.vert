#version 450 core
// Instanced limbs and joints: each instance is a segment a→b (a joint has a == b) drawn as a quad of
// half-width u_radius around it, in image pixels.
struct Primitive { vec4 ab; vec4 color; vec4 params; };   // params.x = half width (px), params.y = 1 for a joint
layout(std430, binding = 0) readonly buffer Primitives { Primitive prims[]; };
uniform vec2 u_size;
uniform float u_flip_y;
out vec2 v_local;            // position relative to the segment, in pixels
out vec4 v_color;
flat out vec4 v_segment;     // a, b
flat out float v_radius;
flat out float v_joint;
void main() {
    Primitive p = prims[gl_InstanceID];
    vec2 a = p.ab.xy, b = p.ab.zw;
    vec2 dir = length(b - a) > 1e-3 ? normalize(b - a) : vec2(1.0, 0.0);
    vec2 normal = vec2(-dir.y, dir.x);
    float r = p.params.x + 1.0;                                       // one pixel of margin for the edge
    vec2 corner = vec2(gl_VertexID & 1, gl_VertexID >> 1);
    vec2 pos = mix(a - dir * r, b + dir * r, corner.x) + normal * r * (corner.y * 2.0 - 1.0);
    v_local = pos;
    v_color = p.color;
    v_segment = vec4(a, b);
    v_radius = p.params.x;
    v_joint = p.params.y;
    vec2 ndc = pos / u_size * 2.0 - 1.0;
    gl_Position = vec4(ndc.x, mix(ndc.y, -ndc.y, u_flip_y), 0.0, 1.0);
}
