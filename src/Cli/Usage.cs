namespace ImageLock.Cli;

internal static class Usage
{
    public const string Main = """
        usage: imagelock <command> [options]

        commands:
          status IMAGE|DIR...    who uses and who forbids what on each image (takes no lock)
          hold IMAGE [-- CMD]    hold an image the way QEMU does, while CMD runs or until SIGINT/SIGTERM
          demo                   show the protocol on a throw-away image

          -h, -?, --help         this usage; 'imagelock <command> --help' describes a command
          -V, --version          imagelock's version

        exit status: 0 ok, 1 lock conflict, 2 usage, open or output error

        """;

    public const string Status = """
        usage: imagelock status [-f raw|qcow2] [-J] [-o LIST] [-n] [-r] [-u] [IMAGE|DIR...]
               imagelock status -q [-f raw|qcow2] [--perm LIST] [--unshare LIST] IMAGE

        Probes each image with F_OFD_GETLK only: it takes no lock and never disturbs QEMU.
        For one image, prints a line 'perm=LIST' and a line 'unshare=LIST' ('-' when none), then the
        processes holding lock bytes (pid, descriptor, command line), then the other locks on it, not
        QEMU's protocol (flock, libvirt virtlockd's byte 0, other fcntl ranges, write locks on QEMU's
        bytes), each with its kind, lslocks' TYPE, MODE, START and END, and what it means for QEMU.
        For several images, or a directory (its *.qcow2, *.qcow, *.raw, *.img, *.iso and other qcow2
        files), prints one table: image, perm, unshare, holder pid, command, a row per lock. Without
        IMAGE, the same table lists every file on this host that a process holds QEMU's lock bytes on
        (100-104, 200-204), from /proc/locks and the holders' /proc/PID/fdinfo; it opens no file.

          -f, --format FORMAT
                     the images' format, as qemu-img takes it: with qcow2, every file QEMU opens for
                     the image is shown (the image, its data file, each backing file), one block each
                     as 'qemu-img info --backing-chain' does; without -f each file is shown alone
          -J, --json one JSON document {"version":1,"images":[...]} (docs/json.md); a usage error
                     is {"version":1,"error":{"code":"usage","message":...}}
          -o, --output LIST
                     the table's columns: image (or path), perm, unshare, pid, fd, kind, command
          -n, --noheadings
                     no header line
          -r, --raw  cells separated by one space, spaces in cells as \x20, nothing cut
          -u, --notruncate
                     do not cut the last column to the terminal's width ($COLUMNS, else the
                     terminal's; output to a pipe or file is never cut)
          -q, --check
                     print nothing; exit 0 if IMAGE is free, 1 if it is in use under QEMU's protocol
                     (other locks, such as a flock, do not count). With --perm and/or --unshare: 0 if
                     QEMU would grant them now, 1 if they conflict. With -f qcow2 every file QEMU opens
                     for the image is checked, each against QEMU's grant for it; without -f a file
                     with a qcow2 header is refused (exit 2): pass -f

        LIST of -q is comma-separated: read, write, write-unchanged, resize, all, or '-'.
        Options take GNU forms too: --format=qcow2, -fqcow2, -nr; '--' ends them ('status -- -x.raw').
        exit status: 0 ok (-q: free, or the grant passes); 1 (-q only) in use, or the grant conflicts;
        2 on a usage error or an image that cannot be opened

        """;

    public const string HoldLine = """
        usage: imagelock hold [-f raw|qcow2] [--perm LIST] [--unshare LIST] [-w SECONDS | -n] [-E N] [--posix] IMAGE [-c STRING | -- CMD ARGS...]

        """;

    public const string Hold = HoldLine + """

        Acquires IMAGE exactly as QEMU does, then runs CMD with the lease held and releases it when CMD
        exits (its exit status is imagelock's), or without CMD holds until SIGINT, SIGTERM, SIGHUP or SIGQUIT.

        CMD holds the lease itself, as flock(1)'s command does: it inherits the image's descriptor (same
        number), whose open file description carries the OFD locks. So CMD never runs without the lease,
        however imagelock ends (even SIGKILL): the locks last until CMD and every process it passed the
        descriptor to have closed it, and imagelock never unlocks while CMD runs. When CMD exits, imagelock
        unlocks, also for any background process CMD left behind. SIGTERM and SIGHUP are passed on to CMD;
        SIGINT and SIGQUIT reach CMD from the terminal. CMD starts as from a shell: default signal
        dispositions (but signals ignored when imagelock started stay ignored, as under nohup), an empty
        signal mask, its arguments' exact bytes.

          -f, --format FORMAT
                           the image's format, as qemu-io takes it: qcow2 holds every file QEMU opens for
                           the image (its file, its data file, its backing chain) with QEMU's grant for each,
                           as 'qemu-io -f qcow2' would with the same perm; raw holds the one file. Without
                           -f, the image is one file, and a file with a qcow2 header is refused: pass -f
          --perm LIST      permissions to use (default: read)
          --unshare LIST   permissions to forbid to others (default: none); unsharing read locks out
                           every QEMU, read-only opens included, which no QEMU ever does
          -w, --wait SECONDS
                           wait up to SECONDS for a conflicting holder to go away (inf waits forever);
                           a wait that runs out says it timed out
          -n, --nonblock   fail at once on a conflict, as QEMU does (the default)
          -E, --conflict-exit-code N
                           exit status on a conflict or timeout (default 1)
          -c, --command STRING
                           run STRING with /bin/sh -c as CMD
          --posix          use POSIX fcntl locks instead of OFD locks (hazardous; see docs/protocol.md).
                           POSIX locks belong to one process and no child can inherit them, so --posix
                           refuses CMD: it only holds until a signal releases it.

        LIST is comma-separated: read (alias consistent-read), write, write-unchanged, resize, all, or '-'.
        Options take GNU forms too: --wait=5, -nE3, -w5.
        exit status: CMD's (128+N if signal N killed it), or 0; 1 on a lock conflict; 2 on a usage, open or
        output error; 125 if CMD's exit status was lost (imagelock ran as pid 1); 126 if CMD cannot be
        executed; 127 if CMD is not found; 128+N if signal N stopped imagelock before CMD started

        """;

    public const string Demo = """
        usage: imagelock demo

        Creates a throw-away image, holds it as a backup reader would (perm read, unshare write,resize),
        shows a writer being refused with QEMU's message and who holds the image, and the status output.

        """;
}
