using System.Runtime.InteropServices;

namespace ImageLock.Tests.Support;

/// <summary>The few libc calls the tests make themselves, independent of the engine's interop,
/// so a bug there cannot hide itself.</summary>
internal static unsafe partial class Native
{
    public const int F_SETLK = 6, F_OFD_GETLK = 36, F_OFD_SETLK = 37;
    public const short F_RDLCK = 0, F_WRLCK = 1, F_UNLCK = 2;
    public const int O_RDONLY = 0, O_RDWR = 2, O_CLOEXEC = 0x80000;
    public const int SIGHUP = 1, SIGQUIT = 3, SIGKILL = 9, SIGUSR1 = 10, SIGPIPE = 13, SIGTERM = 15;

    /// <summary>The number of a signal named as kill(1) names it (KILL, TERM, ...).</summary>
    public static int Signal(string name) => name switch
    {
        "HUP" => SIGHUP, "QUIT" => SIGQUIT, "KILL" => SIGKILL, "USR1" => SIGUSR1, "TERM" => SIGTERM,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "not a signal these tests send"),
    };
    public const int LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4;

    /// <summary>struct flock on LP64 Linux (32 bytes).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 32)]
    public struct Flock
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

    [DllImport("libc", SetLastError = true, EntryPoint = "close")]
    public static extern int Close(int fd);

    [DllImport("libc", SetLastError = true, EntryPoint = "kill")]
    public static extern int Kill(int pid, int signal);

    [DllImport("libc", SetLastError = true, EntryPoint = "mkfifo")]
    private static extern int mkfifo_(byte* path, int mode);

    [DllImport("libc", EntryPoint = "geteuid")]
    public static extern uint GetEuid();

    [DllImport("libc", SetLastError = true, EntryPoint = "flock")]
    public static extern int Flock_(int fd, int operation);

    public static bool IsRoot => GetEuid() == 0;

    /// <summary>setfsuid(2): the calling thread's file-system uid; returns the previous one (uint.MaxValue only asks).</summary>
    [DllImport("libc", EntryPoint = "setfsuid")]
    public static extern uint SetFsUid(uint fsuid);

    /// <summary>A raw open(2) that the test owns: a separate open file description from any lease.</summary>
    public static int Open(string path, int flags)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes)
        {
            int fd = open_(p, flags | O_CLOEXEC, 0);
            if (fd < 0) throw new IOException($"open({path}) failed: errno {Marshal.GetLastPInvokeError()}");
            return fd;
        }
    }

    [DllImport("libc", SetLastError = true, EntryPoint = "link")]
    private static extern int link_(byte* from, byte* to);

    [DllImport("libc", SetLastError = true, EntryPoint = "readlink")]
    private static extern nint readlink_(byte* path, byte* buffer, nint size);

    /// <summary>Creates an empty file named by exactly <paramref name="path"/> (no NUL), which need not be UTF-8.</summary>
    public static void CreateFile(byte[] path)
    {
        var bytes = (byte[])[.. path, 0];
        fixed (byte* p = bytes)
        {
            int fd = open_(p, 0x41 /* O_WRONLY|O_CREAT */ | O_CLOEXEC, 0x1a4 /* 0644 */);
            if (fd < 0) throw new IOException($"creat failed: errno {Marshal.GetLastPInvokeError()}");
            Close(fd);
        }
    }

    /// <summary>A hard link: another name of the same inode.</summary>
    public static void Link(string from, string to)
    {
        var a = System.Text.Encoding.UTF8.GetBytes(from + "\0");
        var b = System.Text.Encoding.UTF8.GetBytes(to + "\0");
        fixed (byte* pa = a)
        fixed (byte* pb = b)
            if (link_(pa, pb) != 0) throw new IOException($"link({from}, {to}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>The exact bytes a descriptor's /proc link names (FileInfo.LinkTarget would decode them lossily).</summary>
    public static byte[] FdTarget(int fd)
    {
        var path = System.Text.Encoding.ASCII.GetBytes($"/proc/self/fd/{fd}\0");
        var buffer = new byte[4096];
        fixed (byte* p = path)
        fixed (byte* b = buffer)
        {
            nint n = readlink_(p, b, buffer.Length);
            if (n < 0) throw new IOException($"readlink failed: errno {Marshal.GetLastPInvokeError()}");
            return buffer[..(int)n];
        }
    }

    public static void MkFifo(string path)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes)
            if (mkfifo_(p, 0x180 /* 0600 */) != 0) throw new IOException($"mkfifo({path}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>F_OFD_SETLK on one byte range; returns 0 or errno.</summary>
    public static int OfdSetLock(int fd, short type, long start, long len = 1) => SetLock(fd, F_OFD_SETLK, type, start, len);

    /// <summary>F_SETLK (POSIX) or F_OFD_SETLK on a byte range (<paramref name="len"/> 0: to EOF); returns 0 or errno.</summary>
    public static int SetLock(int fd, int cmd, short type, long start, long len)
    {
        var fl = new Flock { Type = type, Whence = 0, Start = start, Len = len };
        return fcntl_lock(fd, cmd, &fl) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>F_OFD_GETLK with F_WRLCK: does any other open file description hold a lock on the byte?</summary>
    public static bool OfdIsHeld(int fd, long start)
    {
        var fl = new Flock { Type = F_WRLCK, Whence = 0, Start = start, Len = 1 };
        if (fcntl_lock(fd, F_OFD_GETLK, &fl) != 0) throw new IOException($"F_OFD_GETLK failed: errno {Marshal.GetLastPInvokeError()}");
        return fl.Type != F_UNLCK;
    }
}
