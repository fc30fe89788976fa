#version 450 core
// Full-frame quad; image pixel coordinates go to the fragment shader.
uniform vec2 u_size;        // frame size in pixels
uniform float u_flip_y;     // 1: image row 0 at the top of the window; 0: at framebuffer row 0 (offscreen readback)
out vec2 v_pixel;
void main() {
    vec2 corner = vec2(gl_VertexID & 1, gl_VertexID >> 1);          // triangle strip 0..3
    v_pixel = corner * u_size;
    vec2 ndc = corner * 2.0 - 1.0;
    gl_Position = vec4(ndc.x, mix(ndc.y, -ndc.y, u_flip_y), 0.0, 1.0);
}
