#!/usr/bin/env bash
# Measures the lock bytes each QEMU version holds, per configuration, side by side: the tables of
# docs/qemu-versions.md. Independent of ImageLock: it reads the kernel's list of locks (/proc/locks) for the
# image's inode. 7.2 is the system's QEMU (PATH); other versions run through tests/Qemu.Tests/qemu-root after
# `.ci/qemu-versions.sh` installed them. Needs root. Starts each holder itself and stops it by its own PID.
#   usage (as root): bash docs/measure/qemu-versions.sh [VERSION...]     (default: 5.2 7.2 10.0)
set -euo pipefail
cd "$(dirname "$0")/../.."
versions=("$@"); [ ${#versions[@]} -gt 0 ] || versions=(5.2 7.2 10.0)
work=$(mktemp -d /tmp/ilq-measure-XXXXXX); trap 'rm -rf "$work"' EXIT
names=(read write write-unchanged resize graph-mod)

# run VERSION TOOL ARGS...: exec's the tool of that version, keeping this PID.
run() {
  local version=$1; shift
  if [ "$version" = 7.2 ]; then exec "$@"; else exec sh tests/Qemu.Tests/qemu-root "$version" "$@"; fi
}

# The bytes 100+i (perm) and 200+i (unshare) locked on $1's inode, by QEMU's names (graph-mod = 104/204).
bytes_held() {
  local inode i perm=() unshare=() ranges
  inode=$(stat -c %i "$1")
  ranges=$(awk -v ino="$inode" '$0 !~ /->/ { n = split($6, d, ":"); if (d[n] == ino) print $7, ($8 == "EOF" ? 999999999 : $8) }' /proc/locks)
  for i in 0 1 2 3 4; do
    awk -v b=$((100 + i)) '$1 <= b && b <= $2 { found = 1 } END { exit !found }' <<<"$ranges" && perm+=("${names[i]}")
    awk -v b=$((200 + i)) '$1 <= b && b <= $2 { found = 1 } END { exit !found }' <<<"$ranges" && unshare+=("${names[i]}")
  done
  local p u; p=$(IFS=,; echo "${perm[*]:-}"); u=$(IFS=,; echo "${unshare[*]:-}")
  echo "${p:--} / ${u:--}"
}

# Whether process $1 has a descriptor on inode $2.
has_open() {
  local fd
  for fd in /proc/"$1"/fd/*; do [ "$(stat -L -c %i "$fd" 2>/dev/null)" = "$2" ] && return 0; done
  return 1
}

# Waits until process $1 has a descriptor on $2's inode and the locks on it stopped changing.
settle() {
  local pid=$1 image=$2 inode tries=0 before="" now
  inode=$(stat -c %i "$image")
  until has_open "$pid" "$inode"; do
    kill -0 "$pid" 2>/dev/null || { echo "holder $pid exited" >&2; return 1; }
    sleep 0.1; (( ++tries < 600 )) || { echo "holder $pid never opened $image" >&2; return 1; }
  done
  now=$(bytes_held "$image")
  while [ "$now" != "$before" ]; do before=$now; sleep 0.5; now=$(bytes_held "$image"); done
}

# qmp SOCKET COMMAND-JSON...: sends QMP commands, prints nothing unless one fails.
qmp() {
  python3 - "$@" <<'PY'
import json, socket, sys, time
for _ in range(300):
    try: s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); break
    except OSError: time.sleep(0.1)
f = s.makefile('rw')
def reply():
    while True:
        m = json.loads(f.readline())
        if 'event' not in m: return m
reply()
for c in ['{"execute":"qmp_capabilities"}'] + sys.argv[2:]:
    f.write(c + '\n'); f.flush(); r = reply()
    if 'error' in r: print(r['error']['desc'], file=sys.stderr); sys.exit(1)
PY
}

# measure VERSION FORMAT CONFIG: starts the configuration on a fresh image, prints the bytes on the image it
# watches (the image, or the mirror target), stops it.
measure() {
  local version=$1 fmt=$2 config=$3 image="$work/disk.$fmt" watch args=()
  rm -f "$work"/disk.* "$work"/target.raw "$work"/*.sock; qemu-img create -q -f "$fmt" "$image" 64M
  watch=$image
  local vm=(qemu-system-x86_64 -machine q35 -accel tcg -nodefaults -display none -S)
  local qsd=(qemu-storage-daemon --blockdev "driver=file,filename=$image,node-name=file0"
             --blockdev "driver=$fmt,file=file0,node-name=fmt0" --chardev "socket,id=m0,path=$work/qmp.sock,server=on,wait=off"
             --monitor chardev=m0)
  case $config in
    "qemu-io (rw)") args=(qemu-io -f "$fmt" "$image") ;;
    "qemu-io -r") args=(qemu-io -r -f "$fmt" "$image") ;;
    "qemu-io -r -U") args=(qemu-io -r -U -f "$fmt" "$image") ;;
    "qemu-nbd (rw) foreground") args=(qemu-nbd -f "$fmt" -k "$work/nbd.sock" "$image") ;;
    "qemu-nbd -r") args=(qemu-nbd -r -f "$fmt" -k "$work/nbd.sock" "$image") ;;
    "qsd blockdev file+fmt (rw), no export") args=("${qsd[@]}") ;;
    "qsd rw + NBD export writable=on") args=("${qsd[@]}" --nbd-server "addr.type=unix,addr.path=$work/nbd.sock"
                                              --export type=nbd,id=e0,node-name=fmt0,writable=on) ;;
    "qsys q35, -drive + virtio-blk-pci") args=("${vm[@]}" -drive "file=$image,format=$fmt,if=none,id=d0" -device virtio-blk-pci,drive=d0) ;;
    "qsys q35, -drive readonly=on + virtio-blk-pci") args=("${vm[@]}" -drive "file=$image,format=$fmt,if=none,id=d0,readonly=on" -device virtio-blk-pci,drive=d0) ;;
    "qsys q35, -drive + virtio-blk-pci,share-rw=on") args=("${vm[@]}" -drive "file=$image,format=$fmt,if=none,id=d0" -device virtio-blk-pci,drive=d0,share-rw=on) ;;
    "qsys q35, -drive file.locking=off + virtio-blk-pci") args=("${vm[@]}" -drive "file=$image,format=$fmt,if=none,id=d0,file.locking=off" -device virtio-blk-pci,drive=d0) ;;
    "qsys -machine none, -drive if=none") args=(qemu-system-x86_64 -machine none -nodefaults -display none -S -drive "file=$image,format=$fmt,if=none,id=d0") ;;
    "qsd mirror source"|"qsd mirror target (raw file node)") args=("${qsd[@]}") ;;
    *) echo "unknown configuration $config" >&2; return 1 ;;
  esac
  rm -f "$work/stdin"; mkfifo "$work/stdin"
  (run "$version" "${args[@]}") < "$work/stdin" > "$work/out" 2>&1 &
  local pid=$!
  exec 3> "$work/stdin"            # qemu-io reads commands from here: it runs until this closes
  if [[ $config == "qsd mirror"* ]]; then
    qemu-img create -q -f raw "$work/target.raw" 64M
    qmp "$work/qmp.sock" \
      "{\"execute\":\"blockdev-add\",\"arguments\":{\"driver\":\"file\",\"node-name\":\"tgt\",\"filename\":\"$work/target.raw\"}}" \
      '{"execute":"blockdev-mirror","arguments":{"job-id":"j0","device":"fmt0","target":"tgt","sync":"full"}}'
    [[ $config == *target* ]] && watch=$work/target.raw
  fi
  if settle "$pid" "$watch"; then bytes_held "$watch"; else echo "failed: $(head -c 200 "$work/out")"; fi
  exec 3>&-
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

configs=("qemu-io (rw)" "qemu-io -r" "qemu-io -r -U" "qemu-nbd (rw) foreground" "qemu-nbd -r"
  "qsd blockdev file+fmt (rw), no export" "qsd rw + NBD export writable=on"
  "qsys q35, -drive + virtio-blk-pci" "qsys q35, -drive readonly=on + virtio-blk-pci"
  "qsys q35, -drive + virtio-blk-pci,share-rw=on" "qsys q35, -drive file.locking=off + virtio-blk-pci"
  "qsys -machine none, -drive if=none" "qsd mirror source" "qsd mirror target (raw file node)")

for v in "${versions[@]}"; do echo "- $v: $( (run "$v" qemu-img --version) | head -1)"; done
echo "- kernel: $(uname -r)"
echo
header="| configuration | fmt |"; rule="|---|---|"
for v in "${versions[@]}"; do header+=" $v perm / unshare |"; rule+="---|"; done
header+=" differs |"; rule+="---|"
echo "$header"; echo "$rule"
for config in "${configs[@]}"; do
  for fmt in raw qcow2; do
    row="| $config | $fmt |"; first=""; same=1
    for v in "${versions[@]}"; do
      cell=$(measure "$v" "$fmt" "$config")
      [ -z "$first" ] && first=$cell; [ "$cell" = "$first" ] || same=0
      row+=" $cell |"
    done
    if [ $same = 1 ]; then row+="  |"; else row+=" yes |"; fi
    echo "$row"
  done
done
