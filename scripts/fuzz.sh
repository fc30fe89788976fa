#!/usr/bin/env bash
# A bounded fuzzing campaign of one parser of untrusted input (not part of CI).
#   usage: scripts/fuzz.sh TARGET SECONDS      TARGET: coco-gt coco-results tfjs pth modelcard journal merge onnx (or: list)
# Installs AFL++ (Debian afl++) and SharpFuzz's instrumenter (dotnet tool, dotnet-tools.json) if missing, builds
# fuzz/PoseLive.Fuzz, instruments the PoseLive namespaces the target exercises, writes the seed corpus with PoseLive's
# own writers, runs afl-fuzz for SECONDS, and prints executions, paths, crashes and hangs. Findings are left in
# build/fuzz/TARGET/out/default/{crashes,hangs}: replay one with
#   dotnet fuzz/PoseLive.Fuzz/bin/Release/net10.0/PoseLive.Fuzz.dll TARGET --check FILE   (the uninstrumented build)
# and add it under tests/fuzz/TARGET/ (FuzzRegressionTests runs every file there).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
target="${1:?usage: scripts/fuzz.sh TARGET SECONDS}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
log() { printf '[fuzz] %s\n' "$*" >&2; }

if ! command -v afl-fuzz >/dev/null 2>&1; then
  log "installing AFL++ (Debian afl++)"
  sudo_cmd=(); [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends afl++
fi
dotnet tool restore >/dev/null
dotnet build fuzz/PoseLive.Fuzz -c Release -nologo -v minimal -clp:ErrorsOnly
app="build/fuzz/app-$target"
rm -rf "$app" && mkdir -p build/fuzz && cp -r fuzz/PoseLive.Fuzz/bin/Release/net10.0 "$app"
if [ "$target" = list ]; then dotnet "$app/PoseLive.Fuzz.dll" list; exit 0; fi
seconds="${2:?usage: scripts/fuzz.sh TARGET SECONDS}"
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "fuzz.sh: SECONDS must be a whole number" >&2; exit 2; }
case "$target" in
  coco-gt|coco-results) prefixes=(PoseLive.Coco) ;;
  tfjs|modelcard)       prefixes=(PoseLive.Models) ;;
  pth)                  prefixes=(PoseLive.Training.Checkpoints) ;;
  journal)              prefixes=(PoseLive.Export) ;;
  merge)                prefixes=(PoseLive.Export PoseLive.Coco) ;;
  onnx)                 prefixes=(PoseLive.Inference PoseLive.Onnx) ;;   # ORT itself is native: not instrumented
  *) echo "fuzz.sh: no target '$target' (scripts/fuzz.sh list)" >&2; exit 2 ;;
esac
work="build/fuzz/$target"
rm -rf "$work" && mkdir -p "$work"
# seeds come from the uninstrumented build (instrumented code needs afl-fuzz's shared memory to run)
dotnet fuzz/PoseLive.Fuzz/bin/Release/net10.0/PoseLive.Fuzz.dll seeds "$work/seeds"
dotnet sharpfuzz "$app/PoseLive.Core.dll" "${prefixes[@]}" >/dev/null
# every committed regression input joins the corpus too
[ -d "tests/fuzz/$target" ] && cp tests/fuzz/"$target"/* "$work/seeds/$target/" 2>/dev/null || true
log "$target: afl-fuzz for $seconds s (instrumented: ${prefixes[*]})"
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
timeout --kill-after=30 "$((seconds + 60))" afl-fuzz -i "$work/seeds/$target" -o "$work/out" -V "$seconds" -t 10000 -m none \
  -- dotnet "$app/PoseLive.Fuzz.dll" "$target" > "$work/afl.log" 2>&1 || true
stats="$work/out/default/fuzzer_stats"
if [ ! -f "$stats" ]; then tail -20 "$work/afl.log" >&2; echo "fuzz.sh: afl-fuzz did not start (see $work/afl.log)" >&2; exit 1; fi
get() { sed -n "s/^$1 *: *//p" "$stats"; }
crashes=$(ls "$work/out/default/crashes" 2>/dev/null | grep -vc README || true)
hangs=$(ls "$work/out/default/hangs" 2>/dev/null | grep -vc README || true)
echo "$target: $(get execs_done) executions in $(get run_time) s ($(get execs_per_sec)/s), $(get corpus_count) paths, $(get bitmap_cvg) bitmap, crashes $crashes, hangs $hangs"
