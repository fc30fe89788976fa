#version 450 core
// Coat and light. Coat patterns are functions of the rest-pose position, so they stay on the skin as it moves.
in vec3 vWorld;
in vec3 vNormal;
in vec3 vRest;
in float vRegion;

uniform int uShadow;
uniform float uShadowStrength;
uniform int uCoat;            // 0 bay, 1 chestnut, 2 black, 3 grey, 4 dapple grey, 5 pinto, 6 appaloosa, 7 zebra, 8 image
uniform vec3 uBase;           // body colour
uniform vec3 uPoints;         // lower legs
uniform vec3 uHair;           // mane and tail
uniform vec3 uToLight;        // unit vector towards the light
uniform vec3 uLightColor;
uniform vec3 uAmbient;
uniform vec3 uEye;            // camera position
uniform float uSoft;          // 0 hard Lambert (basic), 1 wrapped soft light (photo)
uniform float uPatternSeed;
uniform float uHeight;        // withers height: patterns scale with the animal
uniform sampler2D uCoatImage;
uniform float uTextureScale;

out vec4 outColor;

float hash(vec3 p)
{
    p = fract(p * 0.3183099 + vec3(0.71, 0.113, 0.419));
    p *= 17.0;
    return fract(p.x * p.y * p.z * (p.x + p.y + p.z));
}

float noise(vec3 x)
{
    vec3 i = floor(x);
    vec3 f = fract(x);
    f = f * f * (3.0 - 2.0 * f);
    return mix(mix(mix(hash(i + vec3(0, 0, 0)), hash(i + vec3(1, 0, 0)), f.x), mix(hash(i + vec3(0, 1, 0)), hash(i + vec3(1, 1, 0)), f.x), f.y),
               mix(mix(hash(i + vec3(0, 0, 1)), hash(i + vec3(1, 0, 1)), f.x), mix(hash(i + vec3(0, 1, 1)), hash(i + vec3(1, 1, 1)), f.x), f.y), f.z);
}

float fbm(vec3 p)
{
    float v = 0.0, a = 0.5;
    for (int i = 0; i < 3; i++) { v += a * noise(p); p *= 2.03; a *= 0.5; }
    return v;
}

vec3 triplanar(vec3 p, vec3 n)
{
    vec3 w = pow(abs(n), vec3(4.0));
    w /= (w.x + w.y + w.z);
    vec2 o = vec2(uPatternSeed * 0.37, uPatternSeed * 0.61);
    return texture(uCoatImage, p.yz * uTextureScale + o).rgb * w.x
         + texture(uCoatImage, p.xz * uTextureScale + o).rgb * w.y
         + texture(uCoatImage, p.xy * uTextureScale + o).rgb * w.z;
}

vec3 coat(vec3 p, vec3 n)
{
    int region = int(vRegion + 0.5);
    if (region == 3) return vec3(0.16, 0.14, 0.13);            // hooves
    if (region == 4) return vec3(0.03, 0.025, 0.02);           // eyes
    vec3 q = p / uHeight + vec3(uPatternSeed);
    float grain = 0.92 + 0.16 * noise(q * 22.0);
    vec3 body = uBase * grain;
    if (uCoat == 8) body = triplanar(p, n);
    else if (uCoat == 4) body = mix(uBase * 0.75, uBase * 1.15, smoothstep(0.45, 0.6, fbm(q * 9.0)));
    else if (uCoat == 5) body = mix(body, vec3(0.93, 0.92, 0.9), smoothstep(0.5, 0.53, fbm(q * 2.2)));
    else if (uCoat == 6)
    {
        float rump = smoothstep(-0.05, 0.1, -p.x / uHeight - 0.05) * step(0.7, p.y / uHeight);
        vec3 blanket = mix(body, vec3(0.92, 0.9, 0.86), rump);
        body = mix(blanket, uBase * 0.35, smoothstep(0.72, 0.76, noise(q * 16.0)));
    }
    else if (uCoat == 7)
    {
        bool leg = p.y / uHeight < 0.55;
        float w = leg ? p.y * 30.0 / uHeight : (p.x + 0.08 * uHeight * sin(p.y * 9.0 / uHeight)) * 16.0 / uHeight + 2.0 * fbm(q * 3.0);
        body = mix(vec3(0.92, 0.91, 0.88), vec3(0.05), smoothstep(-0.15, 0.15, sin(w * 3.14159)));
    }
    if (region == 5) return mix(body, vec3(0.12, 0.1, 0.1), 0.55);   // muzzle
    if (region == 2) return uCoat == 7 ? vec3(0.08) : uHair * (0.85 + 0.3 * noise(q * 40.0));
    if (region == 1 && uCoat != 7 && uCoat != 8) return uPoints * grain;
    return body;
}

void main()
{
    if (uShadow == 1) { outColor = vec4(0.0, 0.0, 0.0, uShadowStrength); return; }
    vec3 n = normalize(vNormal);
    vec3 albedo = coat(vRest, normalize(vNormal));
    float lambert = dot(n, uToLight);
    float diffuse = mix(max(lambert, 0.0), max((lambert + 0.45) / 1.45, 0.0), uSoft);
    float sky = 0.55 + 0.45 * n.y;
    vec3 v = normalize(uEye - vWorld);
    float spec = pow(max(dot(reflect(-uToLight, n), v), 0.0), 24.0) * 0.12 * (1.0 - 0.5 * uSoft);
    vec3 colour = albedo * (uAmbient * sky + uLightColor * diffuse) + uLightColor * spec;
    outColor = vec4(clamp(colour, 0.0, 1.0), 1.0);
}
