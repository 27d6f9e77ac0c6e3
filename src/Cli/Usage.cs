namespace ImageLock.Cli;

internal static class Usage
{
    public const string Main = """
        usage: imagelock <command> [options]

        commands:
          status IMAGE|DIR...    who uses and who forbids what on each image (takes no lock)
          hold IMAGE [-- CMD]    hold an image the way QEMU does, while CMD runs or until SIGINT/SIGTERM
          demo                   show the protocol on a throw-away image

        'imagelock <command> --help' describes a command.
        exit status: 0 ok, 1 lock conflict, 2 usage or open error

        """;

    public const string Status = """
        usage: imagelock status [--json] IMAGE|DIR...

        Probes each image with F_OFD_GETLK only: it takes no lock and never disturbs QEMU.
        For one image, prints a line 'perm=LIST' and a line 'unshare=LIST' ('-' when none), then the
        processes holding lock bytes (pid, descriptor, command line). For several images, or a
        directory (its *.qcow2, *.qcow, *.raw, *.img, *.iso and other qcow2 files), prints one table:
        image, perm, unshare, holder pid, command.

          --json     one JSON document: an array with one object per image

        """;

    public const string Hold = """
        usage: imagelock hold [--perm LIST] [--unshare LIST] [--wait SECONDS] [--posix] IMAGE [-- CMD ARGS...]

        Acquires IMAGE exactly as QEMU does, then runs CMD with the lease held and releases it when CMD
        exits (its exit status is imagelock's), or without CMD holds until SIGINT or SIGTERM.
        CMD does not inherit the image's descriptor.

          --perm LIST      permissions to use (default: read)
          --unshare LIST   permissions to forbid to others (default: none)
          --wait SECONDS   wait up to SECONDS for a conflicting holder to go away (default 0: fail at once)
          --posix          use POSIX fcntl locks instead of OFD locks (hazardous; see docs/protocol.md)

        LIST is comma-separated: read (alias consistent-read), write, write-unchanged, resize, all, or '-'.
        exit status: CMD's, or 0; 1 on a lock conflict; 2 on a usage or open error; 127 if CMD is not found

        """;

    public const string Demo = """
        usage: imagelock demo

        Creates a throw-away image, holds it as a backup reader would (perm read, unshare write,resize),
        shows a writer being refused with QEMU's message and who holds the image, and the status output.

        """;
}
