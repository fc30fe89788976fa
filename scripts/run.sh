#!/usr/bin/env bash
# The README's main-job command: setup (idempotent), then PoseLive's main job on the fetched media with
# the default models. Until the pipeline lands this is `poselive doctor` (all native dependencies).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh"
exec "$root/scripts/poselive" doctor "$@"
