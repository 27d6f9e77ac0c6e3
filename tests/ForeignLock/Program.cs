using System.Globalization;
using System.Runtime.InteropServices;

// A tool of another lock scheme for tests/Cli.Tests: takes one fcntl lock the way cloud-hypervisor (OFD, whole file),
// libvirt's virtlockd (POSIX, byte 0) or a misbehaving tool (a write lock on a protocol byte) does, prints "locked",
// and holds it until stdin closes or it is killed. flock(2) locks come from flock(1) itself.
// With --stuck-mmap FUSEFILE (tests/Qemu.Tests StuckCommandLineTests) it then locks its own memory map the way a
// process stuck on a dead filesystem does: see StuckMap.
// usage: ImageLock.ForeignLock posix|ofd read|write START END|EOF FILE [--stuck-mmap FUSEFILE]
if (args.Length is not (5 or 7) || args[0] is not ("posix" or "ofd") || args[1] is not ("read" or "write")
    || (args.Length == 7 && args[5] != "--stuck-mmap"))
{
    Console.Error.WriteLine("usage: ImageLock.ForeignLock posix|ofd read|write START END|EOF FILE [--stuck-mmap FUSEFILE]");
    return 2;
}
long start = long.Parse(args[2], CultureInfo.InvariantCulture);
long length = args[3] == "EOF" ? 0 : long.Parse(args[3], CultureInfo.InvariantCulture) - start + 1; // l_len 0: to EOF
int fd = Libc.Open(args[4], args[1] == "write" ? Libc.O_RDWR : Libc.O_RDONLY);
if (fd < 0)
{
    Console.Error.WriteLine($"cannot open {args[4]}: errno {Marshal.GetLastPInvokeError()}");
    return 2;
}
int err = Libc.SetLock(fd, args[0] == "ofd" ? Libc.F_OFD_SETLK : Libc.F_SETLK, args[1] == "write" ? Libc.F_WRLCK : Libc.F_RDLCK, start, length);
if (err != 0)
{
    Console.Error.WriteLine($"cannot lock {args[4]}: errno {err}");
    return 1;
}
Console.WriteLine("locked");
if (args.Length == 7) return StuckMap.Run(args[6]);
Console.In.ReadToEnd();
return 0;

internal static unsafe class Libc
{
    public const int F_SETLK = 6, F_OFD_SETLK = 37, O_RDONLY = 0, O_RDWR = 2;
    public const short F_RDLCK = 0, F_WRLCK = 1;

    /// <summary>struct flock on LP64 Linux (32 bytes).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 32)]
    private struct Flock
    {
        [FieldOffset(0)] public short Type;
        [FieldOffset(2)] public short Whence;
        [FieldOffset(8)] public long Start;
        [FieldOffset(16)] public long Len;
        [FieldOffset(24)] public int Pid;
    }

    [DllImport("libc", SetLastError = true, EntryPoint = "fcntl")]
    private static extern int fcntl_lock(int fd, int cmd, Flock* fl);

    [DllImport("libc", SetLastError = true, EntryPoint = "open")]
    private static extern int open_(byte* path, int flags, int mode);

    public static int Open(string path, int flags)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes) return open_(p, flags, 0);
    }

    /// <summary>Returns 0 or errno.</summary>
    public static int SetLock(int fd, int cmd, short type, long start, long len)
    {
        var fl = new Flock { Type = type, Whence = 0, Start = start, Len = len };
        return fcntl_lock(fd, cmd, &fl) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }
}
