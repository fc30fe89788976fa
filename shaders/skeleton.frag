#version 450 core
// Distance to the segment (or the joint's centre) decides coverage; joints get a white rim.
in vec2 v_local;
in vec4 v_color;
flat in vec4 v_segment;
flat in float v_radius;
flat in float v_joint;
out vec4 o_color;
void main() {
    vec2 a = v_segment.xy, b = v_segment.zw;
    vec2 ab = b - a;
    float t = dot(ab, ab) > 0.0 ? clamp(dot(v_local - a, ab) / dot(ab, ab), 0.0, 1.0) : 0.0;
    float d = length(v_local - (a + t * ab));
    if (d > v_radius) discard;
    vec3 rgb = (v_joint > 0.5 && d > v_radius - 1.0) ? vec3(1.0) : v_color.rgb;
    o_color = vec4(rgb, v_color.a);
}
