#!/usr/bin/env bash
# Builds imagelock_VERSION_ARCH.deb from the native (NativeAOT) imagelock, its manual page and its bash completion:
#   packaging/deb/build.sh [OUTDIR]      (default OUTDIR: artifacts/deb; RID=linux-x64 by default)
# Prints the path of the package. Needs the .NET SDK and dpkg-deb; the package itself needs neither.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mkdir -p "${1:-$repo/artifacts/deb}" && cd "${1:-$repo/artifacts/deb}" && pwd)
rid=${RID:-linux-x64}
cross=()
case $rid in
  linux-x64) arch=amd64 ;;
  # Cross-built on x64 with Debian's gcc-aarch64-linux-gnu (docs/native.md says why each property).
  linux-arm64) arch=arm64
    [ "$(uname -m)" = aarch64 ] || cross=(-p:CppCompilerAndLinker="$repo/packaging/cross/aarch64-linux-gnu-cc"
      -p:ObjCopyName=aarch64-linux-gnu-objcopy -p:DisableTransitiveFrameworkReferenceDownloads=true -p:IsAotCompatible=false) ;;
  *) echo "build.sh: no Debian architecture for RID '$rid'" >&2; exit 2 ;;
esac
# The one version (Directory.Build.props): 0.2.0-preview.1 is Debian's 0.2.0~preview.1 (sorts before 0.2.0).
prefix=$(sed -n 's:.*<VersionPrefix>\(.*\)</VersionPrefix>.*:\1:p' "$repo/Directory.Build.props")
suffix=$(sed -n 's:.*<VersionSuffix[^>]*>\(.*\)</VersionSuffix>.*:\1:p' "$repo/Directory.Build.props")
version=$prefix${suffix:+~$suffix}
[ -n "$prefix" ] || { echo "build.sh: no VersionPrefix in Directory.Build.props" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Trim and AOT warnings fail this publish (see src/Cli/ImageLock.Cli.csproj).
dotnet publish "$repo/src/Cli/ImageLock.Cli.csproj" -r "$rid" -c Release -o "$work/publish" -nologo -v quiet ${cross[@]+"${cross[@]}"} >"$work/publish.log" 2>&1 \
  || { cat "$work/publish.log" >&2; echo "build.sh: dotnet publish failed" >&2; exit 1; }

root=$work/root
install -D -m 0755 "$work/publish/imagelock" "$root/usr/bin/imagelock"
install -d "$root/usr/share/man/man1" "$root/usr/share/doc/imagelock"
gzip -9n <"$repo/packaging/man/imagelock.1" >"$root/usr/share/man/man1/imagelock.1.gz"
install -D -m 0644 "$repo/packaging/completion/imagelock.bash" "$root/usr/share/bash-completion/completions/imagelock"
{
  echo "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
  echo "Upstream-Name: imagelock"
  echo
  echo "Files: *"
  echo "Copyright: ImageLock SDK contributors"
  echo "License: MIT"
  sed 's/^$/./; s/^/ /' "$repo/LICENSE"
} >"$root/usr/share/doc/imagelock/copyright"

# Depends: the binary links only glibc (libc, libm, the loader); require the newest symbol version it uses.
needed=$(objdump -p "$root/usr/bin/imagelock" | awk '$1 == "NEEDED" { print $2 }' | sort -u | tr '\n' ' ')
for lib in $needed; do
  case $lib in libc.so.6 | libm.so.6 | ld-linux-*.so.* | libdl.so.2 | libpthread.so.0 | librt.so.1) ;;
    *) echo "build.sh: imagelock needs $lib, which is not in libc6: add its package to Depends" >&2; exit 1 ;;
  esac
done
glibc=$(objdump -T "$root/usr/bin/imagelock" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1)

install -d "$root/DEBIAN"
cat >"$root/DEBIAN/control" <<CONTROL
Package: imagelock
Version: $version
Architecture: $arch
Maintainer: ImageLock SDK contributors <imagelock@localhost>
Depends: libc6 (>= $glibc)
Section: admin
Priority: optional
Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)
Description: flock(1) and lslocks(8) for QEMU disk images
 imagelock holds a disk image the way QEMU does (byte-range locks on bytes
 100+i and 200+i), so a backup and a running virtual machine cannot get in
 each other's way, and shows who holds an image without disturbing anyone.
 A native command: it needs no .NET runtime.
CONTROL

deb=$out/imagelock_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
