#!/usr/bin/env bash
# The README's test command: setup (idempotent), then the whole test suite.
# Ends with the plain totals line `N passed, N failed` (CI reads it).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if ! bash scripts/setup.sh; then
  echo "setup or build failed: no tests ran" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
results="$root/tests/TestResults"
rm -rf "$results"
set +e
dotnet test PoseLive.sln -c Release --no-build -nologo \
  --logger "trx;LogFilePrefix=poselive" --results-directory "$results" "$@"
rc=$?
set -e
# Sum the counters of every TRX file (one per test assembly).
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -1)"
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(get passed))); failed=$((failed + $(get failed)))
  total=$(get total); executed=$(get executed); skipped=$((skipped + total - executed))
done
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi   # a crash or build failure counts
echo "$passed passed, $failed failed, $skipped skipped"
exit "$rc"
