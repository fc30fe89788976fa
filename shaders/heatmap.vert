#version 450 core
// The heatmap quad: its four corners are the crop's corners mapped into the image (rotation included).
uniform vec2 u_size;
uniform float u_flip_y;
uniform vec4 u_corners01;    // image position of heatmap corners (0,0) and (1,0)
uniform vec4 u_corners23;    // (0,1) and (1,1)
out vec2 v_uv;
void main() {
    vec2 corner = vec2(gl_VertexID & 1, gl_VertexID >> 1);
    vec2 p = corner.y < 0.5 ? (corner.x < 0.5 ? u_corners01.xy : u_corners01.zw) : (corner.x < 0.5 ? u_corners23.xy : u_corners23.zw);
    v_uv = corner;
    vec2 ndc = p / u_size * 2.0 - 1.0;
    gl_Position = vec4(ndc.x, mix(ndc.y, -ndc.y, u_flip_y), 0.0, 1.0);
}
