#!/usr/bin/env bash
# Soak test of the live path (not part of CI): `poselive run --window` under Xvfb on a looping, real-time-paced
# source (media/vtest.avi looped by FFmpeg's movie filter, re-timed to 10 fps), sampling RSS, managed heap, GC counts,
# fps and drops every 10 s into out/soak/soak.csv, with out/soak/soak.rss.png and soak.fps.png plotted at the end and a
# summary line (RSS slope after warm-up, fps min/median/max, drop spikes).
#   usage: scripts/soak.sh MINUTES [OUTDIR]   (POSELIVE=path/to/poselive runs another build, e.g. a copy that a rebuild cannot touch)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
minutes="${1:?usage: scripts/soak.sh MINUTES [OUTDIR]}"
[[ "$minutes" =~ ^[0-9]+$ ]] && [ "$minutes" -ge 1 ] || { echo "soak.sh: MINUTES must be a whole number ≥ 1" >&2; exit 2; }
out="${2:-out/soak}"
[ -f media/vtest.avi ] && [ -f models/movenet-lightning.onnx ] || bash scripts/setup.sh
mkdir -p "$out"
exec 3< <(Xvfb -displayfd 1 -screen 0 1280x720x24 -nolisten tcp 2>/dev/null)
read -r display <&3
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true' EXIT
echo "[soak] Xvfb on :$display, $minutes min, samples every 10 s → $out/soak.csv" >&2
DISPLAY=":$display" "${POSELIVE:-scripts/poselive}" run "movie=$root/media/vtest.avi:loop=0,setpts=N/10/TB" --format lavfi --realtime \
  --window --screenshot "$out/last.png" --seconds "$((minutes * 60))" --stats "$out/soak.csv" --stats-interval 10 \
  --device cpu > "$out/run.log" 2>&1 || { tail -5 "$out/run.log" >&2; exit 1; }
grep -E "^(done|stats):" "$out/run.log"
