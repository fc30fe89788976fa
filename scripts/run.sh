#!/usr/bin/env bash
# The README's main-job command: setup (idempotent: packages, ONNX Runtime, sample footage, models), then
# PoseLive's main job on the fetched media with the default models: annotating media/vtest.avi into
# out/ (COCO keypoint JSON with track ids, COCO results, per-frame JSON Lines), plus poses on the stills.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh"
cd "$root"
"$root/scripts/poselive" doctor
mkdir -p out
"$root/scripts/poselive" annotate media/vtest.avi --out out --overwrite   # a rerun replaces the last run's outputs
for image in messi5.jpg basketball1.png basketball2.png; do
  "$root/scripts/poselive" pose "media/$image" --out "out/${image%.*}.json" --render "out/${image%.*}.png"
done
"$root/scripts/poselive" eval --gt out/vtest.coco.json --dt out/vtest.results.json | head -2
