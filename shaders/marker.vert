#version 450 core
// Test markers: a square of ±uHalf pixels around each landmark, skinned and projected exactly as the horse is.
layout(location = 0) in vec3 aPosition;   // landmark rest position
layout(location = 1) in float aBone;
uniform mat4 uBones[36];
uniform mat4 uViewProjection;
uniform vec2 uViewport;
uniform float uHalf;
flat out int vId;

void main()
{
    vec4 clip = uViewProjection * (uBones[int(aBone)] * vec4(aPosition, 1.0));
    vec2 corner = vec2((gl_VertexID == 1 || gl_VertexID == 2 || gl_VertexID == 4) ? 1.0 : -1.0,
                       (gl_VertexID == 2 || gl_VertexID == 4 || gl_VertexID == 5) ? 1.0 : -1.0);
    clip.xy += corner * uHalf * 2.0 / uViewport * clip.w;
    vId = gl_InstanceID;
    gl_Position = vec4(clip.xy, -clip.w, clip.w);   // in front of everything
}
