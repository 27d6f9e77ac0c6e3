#!/usr/bin/env bash
# Cross-checks benchmark 2's seam counts with strace: the engine's F_OFD_* calls between the markers of one
# acquire + release cycle. Usage: bench/strace-crosscheck.sh [perm unshare]...  (defaults: the common grants)
set -euo pipefail
cd "$(dirname "$0")/.."
dll=bench/ImageLock.Benchmarks/bin/Release/net10.0/ImageLock.Benchmarks.dll
[ -f "$dll" ] || dotnet build -c Release bench/ImageLock.Benchmarks >/dev/null
[ $# -gt 0 ] || set -- read write,resize  read,write,resize write,resize  all all  read,write-unchanged read,resize
out=$(mktemp)
while [ $# -ge 2 ]; do
  strace -f -qq -e trace=fcntl,access,faccessat,faccessat2 -o "$out" dotnet "$dll" --strace-cycle "$1" "$2"
  count() { sed -n "/imagelock-bench-$1/,/imagelock-bench-$2/p" "$out" | grep -c "$3" || true; }
  echo "perm=$1 unshare=$2: acquire SETLK=$(count acquire release 'F_OFD_SETLK') GETLK=$(count acquire release 'F_OFD_GETLK')" \
       "other fcntl=$(count acquire release 'fcntl(.*F_[GS]ETFL')" \
       "| release UNLCK=$(count release end 'F_OFD_SETLK.*F_UNLCK')"
  shift 2
done
rm -f "$out"
