#!/usr/bin/env bash
# Measures what QEMU does while it holds an image, per configuration, as docs/qemu-reference-7.2.md's tables have it:
#   (default)    "Bytes held per configuration": the lock bytes, from the kernel's own list of locks (/proc/locks)
#   --clients    "QEMU clients while a configuration holds the image": qemu-img info [-U], qemu-io -r [-U], qemu-io write
#   --external   "External ... acquisitions": a C program asks for each grant as QEMU's raw_apply_lock_bytes and
#                raw_check_lock_bytes do (F_OFD_SETLK read locks on its bytes, then F_OFD_GETLK on the conflicting ones)
#   --commands   "QEMU commands while an external program holds locks": a C program holds the bytes (OFD, POSIX, or a
#                plain F_WRLCK on one byte), and each qemu-img / qemu-io command runs on a fresh copy of an image
# Independent of ImageLock: QEMU, the kernel and a few lines of C.
#   usage: bash docs/measure/qemu-7.2.sh [--clients | --external | --commands] [QEMU_BIN_DIR]    (default: the qemu-* on PATH)
# Prints one markdown row per configuration, format and image (an overlay row: the overlay, then its base), with the
# table's columns: the bytes, the image's lines of /proc/locks (by start byte) and the holder's descriptors of the image
# with their access mode (from /proc/PID/fd and fdinfo). Starts each holder itself and stops it by its own PID.
set -euo pipefail
mode=bytes
case ${1:-} in --clients) mode=clients; shift ;; --external) mode=external; shift ;; --commands) mode=commands; shift ;; esac
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

# The image's lines of /proc/locks as "TYPE ADVISORY MODE PID START END", by start byte, or "-" (waiters excluded).
locks_of() {
  local inode; inode=$(stat -c %i "$1")
  awk -v ino="$inode" '$0 !~ /->/ { n = split($6, d, ":"); if (d[n] == ino) print $7, $2, $3, $4, $5, $7, $8 }' /proc/locks |
    sort -n | cut -d' ' -f2- | paste -sd';' | sed 's/;/; /g; s/^$/-/'
}

# Process $1's descriptors of file $2 as "fdN O_RDONLY|O_WRONLY|O_RDWR", by number.
fds_of() {
  local pid=$1 file=$2 fd flags modes=(O_RDONLY O_WRONLY O_RDWR) out=()
  for fd in $(ls "/proc/$pid/fd" | sort -n); do
    [ "$(readlink "/proc/$pid/fd/$fd")" = "$file" ] || continue
    flags=$(awk '$1 == "flags:" { print $2 }' "/proc/$pid/fdinfo/$fd")
    out+=("fd$fd ${modes[$((8#$flags & 3))]}")
  done
  local IFS=';'; echo "${out[*]:--}" | sed 's/;/; /g'
}

# The five clients of the clients table on image $1 of format $2, while the holder holds it: "ok", or the exit status
# and QEMU's lock message ("rc=1: Failed to get shared "write" lock").
clients() {
  local image=$1 fmt=$2 cells=() rc
  local -a runs=("qemu-img info -f $fmt" "qemu-img info -U -f $fmt" "qemu-io -r -f $fmt -c read_0_4k"
    "qemu-io -r -U -f $fmt -c read_0_4k" "qemu-io -f $fmt -c write_0_4k")
  for run in "${runs[@]}"; do
    local args=(); read -ra args <<< "$run"; args=("${args[@]//_/ }")
    rc=0; "${bin}${args[0]}" "${args[@]:1}" "$image" > "$work/client.out" 2>&1 3>&- || rc=$?
    if [ "$rc" = 0 ]; then cells+=("ok")
    else cells+=("rc=$rc: $(grep -o 'Failed to get \(shared \)\?"[a-z ]*" lock' "$work/client.out" | head -1 || head -1 "$work/client.out")")
    fi
  done
  local IFS='|'; echo "${cells[*]}" | sed 's/|/ | /g'
}

# The nine grants of the external table asked for on image $1 by the C program: "ok" or "rc=1: QEMU's message".
externals() {
  local cells=() grant
  for grant in "read -" "read write" "read,write -" "read,write write,resize" "read,write,resize -" "write-unchanged -" \
    "- read" "- write-unchanged" "- resize"; do
    cells+=("$("$work/grant" $grant "$1")")
  done
  local IFS='|'; echo "${cells[*]}" | sed 's/|/ | /g'
}

# Waits until process $1 has $2 open and its locks stopped changing (QEMU locks right after opening): the same
# locks in three reads half a second apart (two agreeing reads were not enough on a loaded machine: a row once
# caught QEMU between two lock changes).
settle() {
  local pid=$1 image=$2 before="" earlier="" now tries=0
  until ls -l "/proc/$pid/fd" 2>/dev/null | grep -q -- "-> $image\$"; do
    kill -0 "$pid" 2>/dev/null || { echo "holder $pid exited" >&2; return 1; }
    sleep 0.1; (( ++tries < 600 )) || { echo "holder $pid never opened $image" >&2; return 1; }
  done
  now="$(bytes_held "$image") $(locks_of "$image")"
  while [ "$now" != "$before" ] || [ "$before" != "$earlier" ]; do
    earlier=$before; before=$now; sleep 0.5; now="$(bytes_held "$image") $(locks_of "$image")"
  done
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
    "${args[@]}" < "$work/stdin" > "$work/out" 2>&1 3>&- || { cat "$work/out" >&2; exec 3>&-; return 1; }
    pid=$(cat "$work/pid")
  else
    "${args[@]}" < "$work/stdin" > "$work/out" 2>&1 3>&- &   # fd 3 stays ours: the holder's descriptors are its own
    pid=$!
  fi
  if settle "$pid" "$image" && { [ -z "$base" ] || settle "$pid" "$base"; }; then
    if [ "$mode" = clients ]; then
      echo "| $name | $fmt | $(clients "$image" "$([ -n "$base" ] && echo qcow2 || echo "$fmt")") |"
    elif [ "$mode" = external ]; then
      echo "| $name | $fmt | $(externals "$image") |"
    elif [ -n "$base" ]; then
      echo "| $name | $fmt | overlay | $(bytes_held "$image") | $(locks_of "$image") | $(fds_of "$pid" "$image") |"
      echo "| $name | $fmt | base | $(bytes_held "$base") | $(locks_of "$base") | $(fds_of "$pid" "$base") |"
    else
      echo "| $name | $fmt | image | $(bytes_held "$image") | $(locks_of "$image") | $(fds_of "$pid" "$image") |"
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

# grant PERM UNSHARE FILE (comma lists or -): QEMU's raw_apply_lock_bytes, then raw_check_lock_bytes, with OFD locks;
# prints "ok" or "rc=1: " and QEMU's message. Its locks go when it exits.
cat > "$work/grant.c" <<'C'
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
static const char *keys[] = { "read", "write", "write-unchanged", "resize" };
static const char *names[] = { "consistent read", "write", "write unchanged", "resize" };
static int bits(const char *list) {
    int b = 0; char copy[256]; strncpy(copy, list, sizeof copy - 1); copy[sizeof copy - 1] = 0;
    for (char *t = strtok(copy, ","); t; t = strtok(NULL, ","))
        for (int i = 0; i < 4; i++) if (!strcmp(t, keys[i])) b |= 1 << i;
    return b;
}
static int lock(int fd, int cmd, short type, off_t byte, struct flock *fl) {
    memset(fl, 0, sizeof *fl); fl->l_type = type; fl->l_whence = SEEK_SET; fl->l_start = byte; fl->l_len = 1;
    return fcntl(fd, cmd, fl);
}
int main(int argc, char **argv) {
    if (argc != 4) return 2;
    int perm = bits(argv[1]), unshare = bits(argv[2]), fd = open(argv[3], O_RDONLY);
    struct flock fl;
    if (fd < 0) { perror(argv[3]); return 2; }
    for (int i = 0; i < 4; i++) if (perm & 1 << i && lock(fd, F_OFD_SETLK, F_RDLCK, 100 + i, &fl))
        { printf("rc=1: Failed to lock byte %d\n", 100 + i); return 1; }
    for (int i = 0; i < 4; i++) if (unshare & 1 << i && lock(fd, F_OFD_SETLK, F_RDLCK, 200 + i, &fl))
        { printf("rc=1: Failed to lock byte %d\n", 200 + i); return 1; }
    for (int i = 0; i < 4; i++) if (perm & 1 << i && !lock(fd, F_OFD_GETLK, F_WRLCK, 200 + i, &fl) && fl.l_type != F_UNLCK)
        { printf("rc=1: Failed to get \"%s\" lock\n", names[i]); return 1; }
    for (int i = 0; i < 4; i++) if (unshare & 1 << i && !lock(fd, F_OFD_GETLK, F_WRLCK, 100 + i, &fl) && fl.l_type != F_UNLCK)
        { printf("rc=1: Failed to get shared \"%s\" lock\n", names[i]); return 1; }
    puts("ok");
    return 0;
}
C
cc -o "$work/grant" "$work/grant.c"

# holder ofd|posix PERM UNSHARE FILE, or holder wrlck BYTE FILE: takes the locks (no checks: the image is free),
# prints "held", and keeps them until its stdin closes.
cat > "$work/holder.c" <<'C'
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
static const char *keys[] = { "read", "write", "write-unchanged", "resize" };
static int bits(const char *list) {
    int b = 0; char copy[256]; strncpy(copy, list, sizeof copy - 1); copy[sizeof copy - 1] = 0;
    for (char *t = strtok(copy, ","); t; t = strtok(NULL, ","))
        for (int i = 0; i < 4; i++) if (!strcmp(t, keys[i]) || !strcmp(t, "all")) b |= 1 << i;
    return b;
}
static void lock(int fd, int cmd, short type, off_t byte) {
    struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = byte, .l_len = 1 };
    if (fcntl(fd, cmd, &fl)) { perror("fcntl"); exit(2); }
}
int main(int argc, char **argv) {
    int wrlck = argc == 4 && !strcmp(argv[1], "wrlck");
    if (!wrlck && argc != 5) return 2;
    int fd = open(argv[argc - 1], O_RDWR);
    if (fd < 0) { perror(argv[argc - 1]); return 2; }
    if (wrlck) lock(fd, F_OFD_SETLK, F_WRLCK, atoi(argv[2]));
    else {
        int cmd = strcmp(argv[1], "posix") ? F_OFD_SETLK : F_SETLK, perm = bits(argv[2]), unshare = bits(argv[3]);
        for (int i = 0; i < 4; i++) if (perm & 1 << i) lock(fd, cmd, F_RDLCK, 100 + i);
        for (int i = 0; i < 4; i++) if (unshare & 1 << i) lock(fd, cmd, F_RDLCK, 200 + i);
    }
    puts("held"); fflush(stdout);
    char c; while (read(0, &c, 1) > 0) {}
    return 0;
}
C
cc -o "$work/holder" "$work/holder.c"

# The arguments of the holder for a holder of the tables ("ref perm=read unshare=write", "raw F_OFD_SETLK F_WRLCK byte
# 100"), nothing for "none".
holder_args() {
  local h=$1 kind=ofd perm=- unshare=-
  case $h in
    none) return ;;
    "raw F_OFD_SETLK F_WRLCK byte "*) echo "wrlck ${h##* }"; return ;;
  esac
  [[ $h == *--posix* ]] && kind=posix
  [[ $h =~ perm=([a-z,-]+) ]] && perm=${BASH_REMATCH[1]}
  [[ $h =~ unshare=([a-z,-]+) ]] && unshare=${BASH_REMATCH[1]}
  echo "$kind $perm $unshare"
}

# command NAME FMT IMAGE DIR: runs the table's command NAME, as ReferenceCommand.cs of the QEMU tests does.
command_of() {
  local name=$1 fmt=$2 image=$3 dir=$4
  case $name in
    "qemu-img info") "${bin}qemu-img" info -f "$fmt" "$image" ;;
    "qemu-img info -U") "${bin}qemu-img" info -U -f "$fmt" "$image" ;;
    "qemu-img check") "${bin}qemu-img" check -f "$fmt" "$image" ;;
    "qemu-img check -U") "${bin}qemu-img" check -U -f "$fmt" "$image" ;;
    "qemu-img map") "${bin}qemu-img" map -f "$fmt" "$image" ;;
    "qemu-img convert") "${bin}qemu-img" convert -f "$fmt" -O raw "$image" "$dir/out.raw" ;;
    "qemu-img convert -U") "${bin}qemu-img" convert -U -f "$fmt" -O raw "$image" "$dir/out.raw" ;;
    "qemu-img resize +1M") "${bin}qemu-img" resize -f "$fmt" "$image" +1M ;;
    "qemu-io -c 'write 0 4k'") "${bin}qemu-io" -f "$fmt" -c "write 0 4k" "$image" ;;
    "qemu-io -r -c 'read 0 4k'") "${bin}qemu-io" -r -f "$fmt" -c "read 0 4k" "$image" ;;
    "qemu-io -r -U -c 'read 0 4k'") "${bin}qemu-io" -r -U -f "$fmt" -c "read 0 4k" "$image" ;;
    "qemu-io -U -c 'write 0 4k' (rw+U)") "${bin}qemu-io" -U -f "$fmt" -c "write 0 4k" "$image" ;;
    "qemu-img create (overwrite)") "${bin}qemu-img" create -f "$fmt" "$image" 16M ;;
  esac
}

# The two tables of step 4: per format, each holder holds a fresh copy of a patterned 16M image while each command
# runs; a row gives what the holder holds (from /proc/locks), the exit status and stderr (<dir> for the image's
# directory, ⏎ between lines) when it failed.
commands_tables() {
  local holders=("none" "ref perm=read" "ref perm=read unshare=write" "ref perm=read,write unshare=write,resize"
    "ref perm=read unshare=read" "ref unshare=write,resize (no perm)" "ref perm=all unshare=all"
    "ref --posix perm=read unshare=write" "raw F_OFD_SETLK F_WRLCK byte 100" "raw F_OFD_SETLK F_WRLCK byte 201")
  local commands=("qemu-img info" "qemu-img info -U" "qemu-img check" "qemu-img check -U" "qemu-img map"
    "qemu-img convert" "qemu-img convert -U" "qemu-img resize +1M" "qemu-io -c 'write 0 4k'" "qemu-io -r -c 'read 0 4k'"
    "qemu-io -r -U -c 'read 0 4k'" "qemu-io -U -c 'write 0 4k' (rw+U)" "qemu-img create (overwrite)")
  local dir=$work/cmd fmt h c args image held rc message pid line
  mkdir -p "$dir"
  for fmt in qcow2 raw; do
    "${bin}qemu-img" create -q -f "$fmt" "$work/template.$fmt" 16M
    "${bin}qemu-io" -f "$fmt" -c "write -q -P 0xab 0 64k" "$work/template.$fmt" >/dev/null
    echo; echo "### $fmt image"; echo
    echo "| external holder | held (perm / unshare) | command | rc | message |"
    echo "|---|---|---|---|---|"
    for h in "${holders[@]}"; do
      for c in "${commands[@]}"; do
        image=$dir/ext.$fmt; rm -f "$dir"/*; cp "$work/template.$fmt" "$image"
        args=$(holder_args "$h"); pid=""
        if [ -n "$args" ]; then
          rm -f "$work/stdin"; mkfifo "$work/stdin"; exec 3<> "$work/stdin"
          # Emptied here, not by the holder's redirection: that runs in the background child, maybe after the wait
          # below has read the previous holder's "held" and measured before this one locked.
          : > "$work/held"
          # shellcheck disable=SC2086
          "$work/holder" $args "$image" < "$work/stdin" > "$work/held" 2>&1 3>&- &
          pid=$!
          until grep -q held "$work/held" 2>/dev/null; do kill -0 "$pid" 2>/dev/null || { cat "$work/held" >&2; return 1; }; sleep 0.05; done
        fi
        held=$(bytes_held "$image"); held=${held/ | / \/ }
        rc=0; command_of "$c" "$fmt" "$image" "$dir" > /dev/null 2> "$work/stderr" 3>&- || rc=$?
        message=""
        if [ "$rc" != 0 ]; then
          message=$(sed 's/^[[:space:]]*//; s/[[:space:]]*$//' "$work/stderr" | awk 'NF { printf "%s%s", (n++ ? " ⏎ " : ""), $0 }')
          message=${message//"$dir"/<dir>}
        fi
        echo "| $h | $held | $c | $rc | $message |"
        if [ -n "$pid" ]; then exec 3>&-; wait "$pid" || true; fi
      done
    done
  done
}

# The reference's configurations, by the names its tables use.
qio() { measure "$1" "$2" "${bin}qemu-io" "${@:3}"; }
qsd() { local name=$1 fmt=$2; shift 2; measure "$name" "$fmt" "${bin}qemu-storage-daemon" "$@"; }
qsys() { local name=$1 fmt=$2; shift 2
  measure "$name" "$fmt" "${bin}qemu-system-x86_64" -accel tcg -nodefaults -display none -S "$@"; }
file_opts="driver=file,filename=IMAGE,node-name=file"
nbd_server=(--nbd-server "addr.type=unix,addr.path=SOCK")

echo "QEMU: $("${bin}qemu-img" --version | head -1); kernel: $(uname -r)"
echo
case $mode in
  commands) commands_tables; exit 0 ;;
  bytes) echo "| configuration | fmt | image | perm bytes | unshare bytes | /proc/locks | fds (mode) |"
         echo "|---|---|---|---|---|---|---|" ;;
  clients) echo "| configuration | fmt | qemu-img info | qemu-img info -U | qemu-io -r read | qemu-io -r -U read | qemu-io write |"
           echo "|---|---|---|---|---|---|---|" ;;
  external) echo "| configuration | fmt | perm=read | perm=read unshare=write | perm=read,write | perm=read,write unshare=write,resize | perm=read,write,resize | perm=write-unchanged | unshare=read | unshare=write-unchanged | unshare=resize |"
            echo "|---|---|---|---|---|---|---|---|---|---|---|" ;;
esac
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
