#version 450 core
// The decoded frame from its padded rows: u_mode 0 = packed RGB24 in an R8 texture of stride × height
// bytes; u_mode 1 = YUV 4:2:0 planes (BT.601 limited range, converted here on the GPU).
uniform int u_mode;
uniform usampler2D u_bytes;      // RGB24 rows (u_mode 0) or the Y plane (u_mode 1)
uniform usampler2D u_u;
uniform usampler2D u_v;
in vec2 v_pixel;
out vec4 o_color;
void main() {
    ivec2 p = ivec2(floor(v_pixel));
    if (u_mode == 0) {
        float r = float(texelFetch(u_bytes, ivec2(p.x * 3, p.y), 0).r);
        float g = float(texelFetch(u_bytes, ivec2(p.x * 3 + 1, p.y), 0).r);
        float b = float(texelFetch(u_bytes, ivec2(p.x * 3 + 2, p.y), 0).r);
        o_color = vec4(r, g, b, 255.0) / 255.0;
    } else {
        float y = float(texelFetch(u_bytes, p, 0).r) - 16.0;
        float u = float(texelFetch(u_u, p / 2, 0).r) - 128.0;
        float v = float(texelFetch(u_v, p / 2, 0).r) - 128.0;
        vec3 rgb = vec3(1.164 * y + 1.596 * v, 1.164 * y - 0.392 * u - 0.813 * v, 1.164 * y + 2.017 * u);
        o_color = vec4(clamp(rgb / 255.0, 0.0, 1.0), 1.0);
    }
}
