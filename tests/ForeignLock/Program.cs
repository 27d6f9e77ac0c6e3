using System.Globalization;
using ImageLock.Tests.Support;

// A tool of another lock scheme for tests/Cli.Tests: takes one fcntl lock the way cloud-hypervisor (OFD, whole file),
// libvirt's virtlockd (POSIX, byte 0) or a misbehaving tool (a write lock on a protocol byte) does, prints "locked",
// and holds it until stdin closes or it is killed. flock(2) locks come from flock(1) itself.
// With --stuck-mmap FUSEFILE (tests/Qemu.Tests StuckCommandLineTests) it then locks its own memory map the way a
// process stuck on a dead filesystem does: see StuckMap.
// With --own-table (tests/Cli.Tests HolderInThreadTableTests) the lock is taken by a thread with a descriptor table
// of its own: see OwnTable.
// usage: ImageLock.ForeignLock posix|ofd read|write START END|EOF FILE [--stuck-mmap FUSEFILE | --own-table]
if (args.Length is not (5 or 6 or 7) || args[0] is not ("posix" or "ofd") || args[1] is not ("read" or "write")
    || (args.Length == 7 && args[5] != "--stuck-mmap") || (args.Length == 6 && args[5] != "--own-table"))
{
    Console.Error.WriteLine("usage: ImageLock.ForeignLock posix|ofd read|write START END|EOF FILE [--stuck-mmap FUSEFILE | --own-table]");
    return 2;
}
long start = long.Parse(args[2], CultureInfo.InvariantCulture);
long length = args[3] == "EOF" ? 0 : long.Parse(args[3], CultureInfo.InvariantCulture) - start + 1; // l_len 0: to EOF
int code = args.Length == 6 ? OwnTable.Lock(TakeLock) : TakeLock();
if (code != 0) return code;
Console.WriteLine("locked");
if (args.Length == 7) return StuckMap.Run(args[6]);
Console.In.ReadToEnd();
return 0;

int TakeLock()
{
    int fd;
    try { fd = Native.Open(args[4], args[1] == "write" ? Native.O_RDWR : Native.O_RDONLY); }
    catch (IOException e)
    {
        Console.Error.WriteLine($"cannot open {args[4]}: {e.Message}");
        return 2;
    }
    int err = Native.SetLock(fd, args[0] == "ofd" ? Native.F_OFD_SETLK : Native.F_SETLK, args[1] == "write" ? Native.F_WRLCK : Native.F_RDLCK, start, length);
    if (err != 0)
    {
        Console.Error.WriteLine($"cannot lock {args[4]}: errno {err}");
        return 1;
    }
    return 0;
}
