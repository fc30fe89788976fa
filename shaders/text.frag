#version 450 core
// Glyph coverage from the atlas (one cell per printable ASCII character, in a row) times the colour.
in vec2 v_uv;
in vec4 v_color;
flat in float v_glyph;
uniform sampler2D u_atlas;
uniform float u_glyphs;
out vec4 o_color;
void main() {
    if (v_glyph < 0.0) { o_color = v_color; return; }
    float coverage = texture(u_atlas, vec2((v_glyph + v_uv.x) / u_glyphs, v_uv.y)).r;
    if (coverage < 0.02) discard;
    o_color = vec4(v_color.rgb, v_color.a * coverage);
}
