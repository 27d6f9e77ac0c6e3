#!/usr/bin/env bash
# Prints the path of a cached Debian 12 (bookworm) minbase tree with man-db and bash-completion and no .NET:
# the "operator's machine" the Debian package is installed into by tests/Cli.Tests/DebianPackageTests.cs.
# Built once with debootstrap (root only), then reused; callers copy it before installing anything into it.
set -euo pipefail
cache=${IMAGELOCK_DEB_CACHE:-/var/cache/imagelock-deb}
root=$cache/bookworm-minbase
mirror=${IMAGELOCK_DEBIAN_MIRROR:-http://deb.debian.org/debian}

[ -f "$root/.complete" ] && { echo "$root"; exit 0; }
[ "$(id -u)" -eq 0 ] || { echo "bookworm-root.sh: debootstrap needs root" >&2; exit 1; }
command -v debootstrap >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }

mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9   # one builder at a time; a second caller waits and then finds the finished tree
if [ ! -f "$root/.complete" ]; then
  rm -rf "$root.new"
  debootstrap --variant=minbase --include=man-db,bash-completion bookworm "$root.new" "$mirror" >"$cache/debootstrap.log" 2>&1 \
    || { echo "bookworm-root.sh: debootstrap failed, see $cache/debootstrap.log" >&2; tail -5 "$cache/debootstrap.log" >&2; exit 1; }
  chroot "$root.new" apt-get clean
  touch "$root.new/.complete"
  rm -rf "$root"
  mv "$root.new" "$root"
fi
echo "$root"
