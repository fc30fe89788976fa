#version 450 core
// Instanced glyph quads: each instance is one cell of the glyph atlas placed at a pixel position; a negative
// glyph index draws a solid rectangle instead (the HUD's backdrop).
struct Glyph { vec4 rect; vec4 color; vec4 params; };      // rect: x, y, w, h (px); params.x: glyph index (−1: solid)
layout(std430, binding = 1) readonly buffer Glyphs { Glyph glyphs[]; };
uniform vec2 u_size;
uniform float u_flip_y;
out vec2 v_uv;
out vec4 v_color;
flat out float v_glyph;
void main() {
    Glyph g = glyphs[gl_InstanceID];
    vec2 corner = vec2(gl_VertexID & 1, gl_VertexID >> 1);
    vec2 pos = g.rect.xy + corner * g.rect.zw;
    v_uv = corner;
    v_color = g.color;
    v_glyph = g.params.x;
    vec2 ndc = pos / u_size * 2.0 - 1.0;
    gl_Position = vec4(ndc.x, mix(ndc.y, -ndc.y, u_flip_y), 0.0, 1.0);
}
