#!/usr/bin/env bash
# Installs the QEMU versions the QEMU tests run against besides the system's 7.2: 5.2 (Debian 11) and
# 10.0 (Debian 13), each a minimal Debian tree made by debootstrap from Debian's own packages.
# Idempotent: a tree is kept under $IMAGELOCK_QEMU_CACHE (default /var/cache/imagelock-qemu/<version>/) and
# reused while its stamp matches what the tree's qemu-img reports. Needs root (debootstrap, and the tests'
# tests/Qemu.Tests/qemu-root runs each QEMU in a private mount namespace rooted in the tree).
#   .ci/qemu-versions.sh            install (or verify) every version
#   .ci/qemu-versions.sh 5.2        only that one
set -euo pipefail

cache=${IMAGELOCK_QEMU_CACHE:-/var/cache/imagelock-qemu}
# version -> Debian suite
declare -A suites=([5.2]=bullseye [10.0]=trixie)
packages=qemu-utils,qemu-system-x86

# Debian mirror apt uses on this machine (deb822 or one-line sources), else deb.debian.org.
mirror() {
  local url
  url=$(grep -hoE 'https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
          /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1 | tr -d ' ' || true)
  echo "${IMAGELOCK_DEBIAN_MIRROR:-${url:-http://deb.debian.org/debian}}"
}

# What a good tree reports: what it was made from, and the version lines of every tool the tests run.
fingerprint() {
  local root=$1 tool
  echo "debootstrap --variant=minbase --include=$packages ${suites[$version]}"
  for tool in qemu-img qemu-io qemu-nbd qemu-storage-daemon qemu-system-x86_64; do
    chroot "$root" "/usr/bin/$tool" --version 2>&1 | head -1
  done
}

command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null

install_version() {
  local version=$1 suite=${suites[$1]} dir="$cache/$1" root="$cache/$1/root" stamp="$cache/$1/stamp"
  mkdir -p "$dir"
  exec {lock}>"$dir/lock" && flock "$lock" # one installer per version at a time (parallel CI runs share the cache)
  if [ -f "$stamp" ] && [ -d "$root" ] && [ "$(fingerprint "$root")" = "$(cat "$stamp")" ]; then
    echo "qemu $version: cached in $root"
    return
  fi
  local start=$SECONDS tmp="$dir/root.new"
  echo "qemu $version: installing Debian $suite ($packages) into $root"
  rm -rf "$tmp"
  debootstrap --variant=minbase --include="$packages" "$suite" "$tmp" "$(mirror)" >"$dir/debootstrap.log" 2>&1 \
    || { tail -20 "$dir/debootstrap.log"; echo "qemu $version: debootstrap failed (log: $dir/debootstrap.log)"; return 1; }
  rm -rf "$tmp/var/cache/apt/archives/"*.deb
  local found
  found=$(fingerprint "$tmp")
  if [ "$(tail -n +2 <<<"$found" | grep -cF " $version.")" -ne 5 ]; then
    echo "qemu $version: the installed tree does not run QEMU $version:"; echo "$found"; return 1
  fi
  rm -rf "$root" && mv "$tmp" "$root"
  echo "$found" >"$stamp"
  echo "qemu $version: installed in $((SECONDS - start))s"
}

versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=(5.2 10.0)
for v in "${versions[@]}"; do
  [ -n "${suites[$v]:-}" ] || { echo "unknown QEMU version $v (known: ${!suites[*]})"; exit 2; }
done
# The versions install in parallel (mostly downloads and unpacking); each prints its own lines.
pids=()
for v in "${versions[@]}"; do install_version "$v" & pids+=($!); done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
exit $status
