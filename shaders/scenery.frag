#version 450 core
// Backdrop and ground; alpha 0 everywhere, so the readback's alpha is the animal's silhouette.
in vec2 vUv;
in vec3 vWorld;
uniform int uMode;
uniform int uTextured;
uniform sampler2D uImage;
uniform vec3 uColor;
uniform vec3 uHaze;
uniform vec3 uEye;
uniform float uTile;          // ground texture tile size in metres
uniform vec3 uToLight;
uniform vec3 uLightColor;
uniform vec3 uAmbient;
out vec4 outColor;

void main()
{
    if (uMode == 0)
    {
        vec3 c = uTextured == 1 ? texture(uImage, vUv).rgb : mix(uColor, uHaze, vUv.y);
        outColor = vec4(c, 0.0);
        return;
    }
    vec3 c = uTextured == 1 ? texture(uImage, vUv / uTile).rgb : uColor;
    c *= uAmbient + uLightColor * max(uToLight.y, 0.0);
    float fog = smoothstep(8.0, 45.0, distance(uEye.xz, vWorld.xz));
    outColor = vec4(mix(c, uHaze, fog), 0.0);
}
