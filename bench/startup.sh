#!/usr/bin/env bash
# Startup: `imagelock status` of a free image beside `flock -n FILE true` and `lslocks`, in one hyperfine run
# (docs/benchmarks.md, benchmark 8). Goal: the native imagelock within 3x flock.
#   bench/startup.sh [NATIVE_IMAGELOCK]
# Without an argument it publishes the native binary (dotnet publish src/Cli -r linux-x64 -c Release) into a temp
# folder. The framework-dependent build (what `dotnet tool install` gives) runs too, for comparison.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
# hyperfine from Debian (root installs it; anyone else is told how).
if ! command -v hyperfine >/dev/null; then
  [ "$(id -u)" -eq 0 ] || { echo "startup.sh: needs hyperfine: sudo apt-get install hyperfine" >&2; exit 2; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null || { echo "startup.sh: apt-get install hyperfine failed" >&2; exit 2; }
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

native=${1:-}
if [ -z "$native" ]; then
  dotnet publish "$repo/src/Cli/ImageLock.Cli.csproj" -r linux-x64 -c Release -o "$work/native" -nologo -v quiet >/dev/null
  native=$work/native/imagelock
fi
dotnet build "$repo/src/Cli/ImageLock.Cli.csproj" -c Release -o "$work/jit" -nologo -v quiet >/dev/null
truncate -s 1M "$work/free.raw"

# IMAGELOCK_BENCH_SMOKE=1 (what the tests set): 2 runs after 1 warm-up, to check the script works; numbers mean nothing.
if [ "${IMAGELOCK_BENCH_SMOKE:-}" = 1 ]; then runs=${RUNS:-2} warmup=1; else runs=${RUNS:-200} warmup=20; fi
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs)"
hyperfine -N --warmup "$warmup" --runs "$runs" --export-markdown "$work/startup.md" --export-json "$work/startup.json" \
  -n "imagelock status (native)" "$native status $work/free.raw" \
  -n "flock -n FILE true" "flock -n $work/free.raw true" \
  -n "lslocks" "lslocks" \
  -n "imagelock status (dotnet tool build)" "$work/jit/imagelock status $work/free.raw" >/dev/null
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
cat "$work/startup.md"
# Min and median resist a busy machine better than the mean; the goal compares medians.
python3 - "$work/startup.json" <<'PY'
import json, statistics, sys
results = json.load(open(sys.argv[1]))["results"]
ms = {r["command"]: (min(r["times"]) * 1e3, statistics.median(r["times"]) * 1e3) for r in results}
print("\n| command | min ms | median ms |\n|---|---|---|")
for name, (lo, med) in ms.items(): print(f"| {name} | {lo:.2f} | {med:.2f} |")
native, flock = ms["imagelock status (native)"][1], ms["flock -n FILE true"][1]
print(f"\nnative imagelock / flock (medians): {native / flock:.2f}x (goal <= 3x)")
PY
