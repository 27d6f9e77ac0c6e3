#!/usr/bin/env bash
# Measures which lock bytes QEMU holds on an image, per configuration: the "Bytes held per configuration" rows of
# docs/qemu-reference-7.2.md. Independent of ImageLock: it reads the kernel's own list of locks (/proc/locks).
#   usage: bash docs/measure/qemu-7.2-bytes-held.sh [QEMU_BIN_DIR]    (default: the qemu-* on PATH)
# Prints one markdown row per configuration and format. Starts each holder itself and stops it by its own PID.
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

# measure NAME FORMAT COMMAND...: starts COMMAND (IMAGE in it is replaced by the image), prints the row, stops it.
measure() {
  local name=$1 fmt=$2; shift 2
  local image="$work/disk.$fmt" args=() a
  rm -f "$image" "$work/sock"; "${bin}qemu-img" create -q -f "$fmt" "$image" 64M
  for a in "$@"; do args+=("${a//IMAGE/$image}"); done
  rm -f "$work/stdin"; mkfifo "$work/stdin"
  "${args[@]}" < "$work/stdin" > "$work/out" 2>&1 &
  local pid=$!
  exec 3> "$work/stdin"            # qemu-io reads commands from here: it runs until this closes
  settle "$pid" "$image" || { cat "$work/out" >&2; exec 3>&-; kill "$pid" 2>/dev/null; wait "$pid" || true; return 1; }
  echo "| $name | $fmt | $(bytes_held "$image") |"
  exec 3>&-
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

echo "QEMU: $("${bin}qemu-img" --version | head -1); kernel: $(uname -r)"
echo
echo "| configuration | fmt | perm bytes | unshare bytes |"
echo "|---|---|---|---|"
for fmt in raw qcow2; do
  measure "qemu-io (rw)" "$fmt" "${bin}qemu-io" -f "$fmt" IMAGE
  measure "qemu-io -r" "$fmt" "${bin}qemu-io" -r -f "$fmt" IMAGE
  measure "qemu-io -r -U" "$fmt" "${bin}qemu-io" -r -U -f "$fmt" IMAGE
  measure "qemu-nbd (rw) foreground" "$fmt" "${bin}qemu-nbd" -f "$fmt" -k "$work/sock" IMAGE
  measure "qsd rw + NBD export writable=on" "$fmt" "${bin}qemu-storage-daemon" \
    --blockdev "driver=file,filename=IMAGE,node-name=file" --blockdev "driver=$fmt,file=file,node-name=fmt" \
    --nbd-server "addr.type=unix,addr.path=$work/sock" --export "type=nbd,id=e,node-name=fmt,writable=on"
  measure "qsys q35, -drive + virtio-blk-pci" "$fmt" "${bin}qemu-system-x86_64" -machine q35 -accel tcg -nodefaults \
    -display none -S -drive "file=IMAGE,format=$fmt,if=none,id=d" -device virtio-blk-pci,drive=d
  measure "qsys q35, -drive + virtio-blk-pci,share-rw=on" "$fmt" "${bin}qemu-system-x86_64" -machine q35 -accel tcg \
    -nodefaults -display none -S -drive "file=IMAGE,format=$fmt,if=none,id=d" -device virtio-blk-pci,drive=d,share-rw=on
done
