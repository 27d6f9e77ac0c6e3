#!/usr/bin/env bash
# Measures which lock bytes QEMU holds on an image, per configuration: the "Bytes held per configuration" rows of
# docs/qemu-reference-7.2.md. Independent of ImageLock: it reads the kernel's own list of locks (/proc/locks).
#   usage: bash docs/measure/qemu-7.2-bytes-held.sh [QEMU_BIN_DIR]    (default: the qemu-* on PATH)
# Prints one markdown row per configuration, format and image (an overlay row: the overlay, then its base), in the
# table's first five columns. Starts each holder itself and stops it by its own PID.
set -euo pipefail
bin=${1:-}; [ -n "$bin" ] && bin="${bin%/}/"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
names=(read write write-unchanged resize)

# The bytes 100+i (perm) and 200+i (unshare) covered by the locks on $1's inode, as QEMU names the permissions.
bytes_held() {
  local inode perm=() unshare=() line start end i
  inode=$(stat -c %i "$1")
  local ranges; ranges=$(awk -v ino="$inode" '$0 !~ /->/ { n = split($6, d, ":"); if (d[n] == ino) print $7, $8 }' /proc/locks)
  for i in 0 1 2 3; do
    while read -r start end; do
      [ -z "$start" ] && continue; [ "$end" = EOF ] && end=999999999
      (( start <= 100 + i && 100 + i <= end )) && { perm+=("${names[i]}"); break; }
    done <<< "$ranges"
    while read -r start end; do
      [ -z "$start" ] && continue; [ "$end" = EOF ] && end=999999999
      (( start <= 200 + i && 200 + i <= end )) && { unshare+=("${names[i]}"); break; }
    done <<< "$ranges"
  done
  local p u; p=$(IFS=,; echo "${perm[*]:-}"); u=$(IFS=,; echo "${unshare[*]:-}")
  echo "${p:--} | ${u:--}"
}

# Waits until process $1 has $2 open and its locks stopped changing (QEMU locks right after opening).
settle() {
  local pid=$1 image=$2 before="" now tries=0
  until ls -l "/proc/$pid/fd" 2>/dev/null | grep -q -- "-> $image\$"; do
    kill -0 "$pid" 2>/dev/null || { echo "holder $pid exited" >&2; return 1; }
    sleep 0.1; (( ++tries < 600 )) || { echo "holder $pid never opened $image" >&2; return 1; }
  done
  now=$(bytes_held "$image")
  while [ "$now" != "$before" ]; do before=$now; sleep 0.5; now=$(bytes_held "$image"); done
}

# measure NAME FORMAT COMMAND...: starts COMMAND on a fresh image, prints its rows, stops it by its own PID.
# In COMMAND, IMAGE is the image (for a NAME starting "overlay:", a qcow2 overlay on a FORMAT base, and the rows are
# the overlay's and the base's), SOCK a unix socket path, PIDFILE a --pid-file: COMMAND forks and the PID is read there.
measure() {
  local name=$1 fmt=$2; shift 2
  local image="$work/disk.$fmt" base="" args=() a pid forks=""
  rm -f "$work"/disk.* "$work"/base.* "$work/sock" "$work/pid"
  if [[ $name == overlay:* ]]; then
    base="$work/base.$fmt"; image="$work/disk.qcow2"
    "${bin}qemu-img" create -q -f "$fmt" "$base" 64M
    "${bin}qemu-img" create -q -f qcow2 -b "$base" -F "$fmt" "$image"
  else
    "${bin}qemu-img" create -q -f "$fmt" "$image" 64M
  fi
  for a in "$@"; do
    [[ $a == *PIDFILE* ]] && forks=1
    a=${a//IMAGE/$image}; a=${a//SOCK/$work/sock}; args+=("${a//PIDFILE/$work/pid}")
  done
  rm -f "$work/stdin"; mkfifo "$work/stdin"
  exec 3<> "$work/stdin"           # qemu-io reads commands from here: it runs until this closes
  if [ -n "$forks" ]; then
    "${args[@]}" < "$work/stdin" > "$work/out" 2>&1 || { cat "$work/out" >&2; exec 3>&-; return 1; }
    pid=$(cat "$work/pid")
  else
    "${args[@]}" < "$work/stdin" > "$work/out" 2>&1 &
    pid=$!
  fi
  if settle "$pid" "$image" && { [ -z "$base" ] || settle "$pid" "$base"; }; then
    if [ -n "$base" ]; then
      echo "| $name | $fmt | overlay | $(bytes_held "$image") |"
      echo "| $name | $fmt | base | $(bytes_held "$base") |"
    else
      echo "| $name | $fmt | image | $(bytes_held "$image") |"
    fi
  else
    cat "$work/out" >&2; exec 3>&-; kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; return 1
  fi
  exec 3>&-
  kill "$pid" 2>/dev/null || true
  if [ -n "$forks" ]; then while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done; else wait "$pid" 2>/dev/null || true; fi
}

# A kernel without OFD locks, for QEMU: F_OFD_* fail with EINVAL as on Linux < 3.15 (an LD_PRELOAD shim on fcntl,
# so QEMU's probe falls back to POSIX locks for locking=on and to no locks for locking=auto).
no_ofd() {
  cat > "$work/no-ofd.c" <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
static int refuse(int cmd) { return cmd == F_OFD_GETLK || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW; }
#define SHIM(name) int name(int fd, int cmd, ...) { \
    va_list ap; va_start(ap, cmd); void *arg = va_arg(ap, void *); va_end(ap); \
    if (refuse(cmd)) { errno = EINVAL; return -1; } \
    static int (*next)(int, int, ...); if (!next) next = (int (*)(int, int, ...))dlsym(RTLD_NEXT, #name); \
    return next(fd, cmd, arg); }
SHIM(fcntl)
SHIM(fcntl64)
C
  cc -shared -fPIC -o "$work/no-ofd.so" "$work/no-ofd.c" -ldl
}
no_ofd

# The reference's configurations, by the names its tables use.
qio() { measure "$1" "$2" "${bin}qemu-io" "${@:3}"; }
qsd() { local name=$1 fmt=$2; shift 2; measure "$name" "$fmt" "${bin}qemu-storage-daemon" "$@"; }
qsys() { local name=$1 fmt=$2; shift 2
  measure "$name" "$fmt" "${bin}qemu-system-x86_64" -accel tcg -nodefaults -display none -S "$@"; }
file_opts="driver=file,filename=IMAGE,node-name=file"
nbd_server=(--nbd-server "addr.type=unix,addr.path=SOCK")

echo "QEMU: $("${bin}qemu-img" --version | head -1); kernel: $(uname -r)"
echo
echo "| configuration | fmt | image | perm bytes | unshare bytes |"
echo "|---|---|---|---|---|"
for fmt in raw qcow2; do
  fmt_opts="driver=$fmt,file=file,node-name=fmt"
  qio "qemu-io (rw)" "$fmt" -f "$fmt" IMAGE
  qio "qemu-io -r" "$fmt" -r -f "$fmt" IMAGE
  qio "qemu-io -r -U" "$fmt" -r -U -f "$fmt" IMAGE
  qio "qemu-io (rw) file.locking=on" "$fmt" --image-opts "driver=$fmt,file.driver=file,file.filename=IMAGE,file.locking=on"
  qio "qemu-io (rw) file.locking=off" "$fmt" --image-opts "driver=$fmt,file.driver=file,file.filename=IMAGE,file.locking=off"
  measure "qemu-io (rw) [no OFD in kernel] locking=auto" "$fmt" env LD_PRELOAD="$work/no-ofd.so" "${bin}qemu-io" \
    --image-opts "driver=$fmt,file.driver=file,file.filename=IMAGE,file.locking=auto"
  measure "qemu-io (rw) [no OFD in kernel] file.locking=on" "$fmt" env LD_PRELOAD="$work/no-ofd.so" "${bin}qemu-io" \
    --image-opts "driver=$fmt,file.driver=file,file.filename=IMAGE,file.locking=on"
  qsd "qsd blockdev file+fmt (rw), no export" "$fmt" --blockdev "$file_opts" --blockdev "$fmt_opts"
  qsd "qsd blockdev read-only=on (both nodes)" "$fmt" --blockdev "$file_opts,read-only=on" --blockdev "$fmt_opts,read-only=on"
  qsd "qsd file auto-read-only=on, fmt rw" "$fmt" --blockdev "$file_opts,auto-read-only=on" --blockdev "$fmt_opts"
  qsd "qsd file auto-read-only=on, fmt read-only=on" "$fmt" --blockdev "$file_opts,auto-read-only=on" \
    --blockdev "$fmt_opts,read-only=on"
  qsd "qsd read-only=on + force-share=on" "$fmt" --blockdev "$file_opts,read-only=on,force-share=on" \
    --blockdev "$fmt_opts,read-only=on,force-share=on"
  qsd "qsd file node only (rw), no format node" "$fmt" --blockdev "$file_opts"
  qsd "qsd rw + NBD export writable=on" "$fmt" --blockdev "$file_opts" --blockdev "$fmt_opts" "${nbd_server[@]}" \
    --export "type=nbd,id=e,node-name=fmt,writable=on"
  qsd "qsd rw + NBD export writable=off" "$fmt" --blockdev "$file_opts" --blockdev "$fmt_opts" "${nbd_server[@]}" \
    --export "type=nbd,id=e,node-name=fmt,writable=off"
  qsd "qsd read-only=on + NBD export" "$fmt" --blockdev "$file_opts,read-only=on" --blockdev "$fmt_opts,read-only=on" \
    "${nbd_server[@]}" --export "type=nbd,id=e,node-name=fmt,writable=off"
  measure "qemu-nbd (rw) --fork" "$fmt" "${bin}qemu-nbd" --fork --pid-file=PIDFILE -f "$fmt" -k SOCK IMAGE
  measure "qemu-nbd (rw) foreground" "$fmt" "${bin}qemu-nbd" -f "$fmt" -k SOCK IMAGE
  measure "qemu-nbd -r --fork" "$fmt" "${bin}qemu-nbd" --fork --pid-file=PIDFILE -r -f "$fmt" -k SOCK IMAGE
  measure "qemu-nbd -r --image-opts force-share=on" "$fmt" "${bin}qemu-nbd" -r -k SOCK \
    --image-opts "driver=$fmt,file.driver=file,file.filename=IMAGE,force-share=on"
  drive="file=IMAGE,format=$fmt,if=none,id=d"
  qsys "qsys -machine none, -drive if=none" "$fmt" -machine none -drive "$drive"
  qsys "qsys -machine none, -drive if=none,readonly=on" "$fmt" -machine none -drive "$drive,readonly=on"
  qsys "qsys q35, -drive if=none (unattached)" "$fmt" -machine q35 -drive "$drive"
  qsys "qsys q35, -drive + virtio-blk-pci" "$fmt" -machine q35 -drive "$drive" -device virtio-blk-pci,drive=d
  qsys "qsys q35, -drive + virtio-blk-pci,share-rw=on" "$fmt" -machine q35 -drive "$drive" \
    -device virtio-blk-pci,drive=d,share-rw=on
  qsys "qsys q35, -drive readonly=on + virtio-blk-pci" "$fmt" -machine q35 -drive "$drive,readonly=on" \
    -device virtio-blk-pci,drive=d
  qsys "qsys q35, -drive + ide-hd (AHCI)" "$fmt" -machine q35 -drive "$drive" -device ahci,id=ahci \
    -device ide-hd,drive=d,bus=ahci.0
  qsys "qsys q35, -drive file.locking=off + virtio-blk-pci" "$fmt" -machine q35 -drive "$drive,file.locking=off" \
    -device virtio-blk-pci,drive=d
  libvirt=(-blockdev "driver=file,filename=IMAGE,node-name=f,auto-read-only=on,discard=unmap"
    -blockdev "driver=$fmt,file=f,node-name=fm,read-only=off")
  qsys "qsys q35, libvirt-style -blockdev (auto-read-only) + virtio-blk-pci" "$fmt" -machine q35 "${libvirt[@]}" \
    -device virtio-blk-pci,drive=fm
  qsys "qsys q35, libvirt-style -blockdev + virtio-blk-pci,share-rw=on" "$fmt" -machine q35 "${libvirt[@]}" \
    -device virtio-blk-pci,drive=fm,share-rw=on
  qsys "qsys q35, -incoming defer (migration target), -drive + virtio-blk-pci" "$fmt" -machine q35 -incoming defer \
    -drive "$drive" -device virtio-blk-pci,drive=d
done
# Overlays: a qcow2 overlay (IMAGE) on a raw or qcow2 base, its backing file named in its header.
for fmt in raw qcow2; do
  qio "overlay: qemu-io (rw)" "$fmt" -f qcow2 IMAGE
  qio "overlay: qemu-io -r" "$fmt" -r -f qcow2 IMAGE
  measure "overlay: qemu-nbd (rw) --fork" "$fmt" "${bin}qemu-nbd" --fork --pid-file=PIDFILE -f qcow2 -k SOCK IMAGE
  qsd "overlay: qsd blockdev (rw), backing from header" "$fmt" --blockdev "$file_opts" \
    --blockdev "driver=qcow2,file=file,node-name=fmt"
  qsys "overlay: qsys -drive + virtio-blk-pci" "$fmt" -machine q35 -drive "file=IMAGE,format=qcow2,if=none,id=d" \
    -device virtio-blk-pci,drive=d
  qsys "overlay: qsys -drive + virtio-blk-pci,share-rw=on" "$fmt" -machine q35 \
    -drive "file=IMAGE,format=qcow2,if=none,id=d" -device virtio-blk-pci,drive=d,share-rw=on
done
