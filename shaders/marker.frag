#version 450 core
flat in int vId;
out vec4 outColor;
void main() { outColor = vec4(float(vId + 1) / 255.0, 0.0, 0.0, 1.0); }
