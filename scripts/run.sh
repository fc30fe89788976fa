#!/usr/bin/env bash
# The README's main-job command: setup (idempotent: packages, ONNX Runtime, sample footage, models), then
# PoseLive's main job on the fetched media with the default models. Until video annotation lands, that is
# detecting and estimating poses on the sample stills, writing COCO results and overlays to out/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh"
cd "$root"
"$root/scripts/poselive" doctor
mkdir -p out
for image in messi5.jpg basketball1.png basketball2.png; do
  "$root/scripts/poselive" pose "media/$image" --out "out/${image%.*}.json" --render "out/${image%.*}.png"
done
