#!/usr/bin/env bash
# The unattended GPU check. Builds PoseLive with ONNX Runtime's CUDA package (Microsoft.ML.OnnxRuntime.Gpu.Linux 1.31.0)
# beside the normal build (build/gpu/), then runs `poselive gpu-check`: CenterNet and MoveNet on CUDA and on the CPU on
# the same frames of media/vtest.avi (heatmaps must agree within 1e-3), latency on both, and annotate fps with
# --device cuda. Without CUDA it says "CUDA unavailable: …" and fails, unless --allow-cpu is given (CPU-only machines,
# CI), when it checks the CPU path of the CUDA build and exits 0.
#   usage: scripts/gpu-check.sh [--allow-cpu] [--frames N] [--runs N] [--annotate-frames N] [--cuda-device N]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
if [ ! -f media/vtest.avi ] || [ ! -f models/centernet.onnx ] || [ ! -f native/build/avshim/libposelive_av.so ]; then
  bash scripts/setup.sh    # footage, models and native shims (idempotent)
fi
echo "[gpu-check] building with Microsoft.ML.OnnxRuntime.Gpu.Linux 1.31.0 into build/gpu/" >&2
dotnet build src/PoseLive.Cli -c Release -nologo -v minimal -clp:ErrorsOnly -p:PoseLiveGpu=true
exec dotnet build/gpu/PoseLive.Cli/bin/Release/net10.0/poselive.dll gpu-check "$@"
