#version 450 core
// Heatmap values (0..1) through a "hot" colour map (black → red → yellow → white: brightness grows with
// the value, so the brightest spot is the peak); transparency follows the value too.
uniform sampler2D u_heatmap;
uniform float u_opacity;
in vec2 v_uv;
out vec4 o_color;
vec3 colormap(float t) {
    t = clamp(t, 0.0, 1.0);
    return clamp(vec3(3.0 * t, 3.0 * t - 1.0, 3.0 * t - 2.0), 0.0, 1.0);
}
void main() {
    float h = texture(u_heatmap, v_uv).r;
    o_color = vec4(colormap(h), clamp(h, 0.0, 1.0) * u_opacity);
}
