using System.Runtime.InteropServices;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace ImageLock.Interop;

/// <summary>
/// Every libc call the engine makes, in one thin file. Lock calls never block (SETLK, never SETLKW)
/// and are retried on EINTR. Returns 0 or a positive errno; no exceptions here.
/// </summary>
internal static unsafe class Syscalls
{
    /// <summary>Fault-injection seam for tests: errors the kernel rarely gives (EINTR, ENOLCK).
    /// Called before each fcntl lock call; a non-zero result is returned as that call's errno.</summary>
    internal static Func<LockCall, int>? InjectFault;

    /// <summary>open(2) of the exact bytes a path string names, also when they are not UTF-8 (see PathBytes).</summary>
    public static int Open(string path, bool readWrite, out int fd) => Open(PathBytes.Encode(path), readWrite, out fd);

    /// <summary>open(2) of exactly the bytes of <paramref name="path"/> (no NUL inside): names are bytes on Linux.</summary>
    public static int Open(ReadOnlySpan<byte> path, bool readWrite, out int fd)
    {
        // O_NONBLOCK keeps open() from hanging on a FIFO. It is left set: open(2) says it has no effect on regular
        // files and block devices, the only kinds we accept (checked right after with fstat).
        int flags = (readWrite ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
        Span<byte> bytes = path.Length < 512 ? stackalloc byte[path.Length + 1] : new byte[path.Length + 1];
        path.CopyTo(bytes);
        bytes[path.Length] = 0;
        fixed (byte* p = bytes)
        {
            do fd = open(p, flags, 0);
            while (fd < 0 && errno == EINTR);
        }
        return fd < 0 ? errno : 0;
    }

    public static int Close(int fd) => close(fd) < 0 ? errno : 0;

    /// <summary>Reads up to <paramref name="buffer"/>.Length bytes of a small file (a /proc entry) without FileStream;
    /// returns the length read, or -1 when the file cannot be read (a process that just exited, no permission).</summary>
    public static int ReadFile(string path, byte[] buffer)
    {
        if (Open(path, readWrite: false, out int fd) != 0) return -1;
        try
        {
            int total = 0;
            while (total < buffer.Length)
            {
                if (ReadAt(fd, buffer.AsSpan(total), total, out int n) != 0) return total > 0 ? total : -1;
                if (n == 0) break;
                total += n;
            }
            return total;
        }
        finally
        {
            close(fd);
        }
    }

    /// <summary>Opens a directory (O_PATH: no read access to it is needed) for <see cref="ReadFileAt"/>.</summary>
    public static int OpenDirectory(string path, out int fd)
    {
        Span<byte> bytes = stackalloc byte[256];
        int length = System.Text.Encoding.UTF8.GetBytes(path, bytes[..^1]);
        bytes[length] = 0;
        fixed (byte* p = bytes)
        {
            do fd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
            while (fd < 0 && errno == EINTR);
        }
        return fd < 0 ? errno : 0;
    }

    /// <summary>Reads the small file named by the number <paramref name="name"/> in directory <paramref name="dirFd"/>
    /// (an entry of /proc/PID/fdinfo) into <paramref name="buffer"/>, growing it when it fills up: an openat, a read and
    /// a close, no path walk from the root, no FileStream. Returns the length, or -errno.</summary>
    public static int ReadFileAt(int dirFd, int name, ref byte[] buffer)
    {
        Span<byte> bytes = stackalloc byte[12];
        name.TryFormat(bytes, out int length, default, System.Globalization.CultureInfo.InvariantCulture);
        bytes[length] = 0;
        int fd;
        fixed (byte* p = bytes)
        {
            do fd = openat(dirFd, p, O_RDONLY | O_CLOEXEC, 0);
            while (fd < 0 && errno == EINTR);
        }
        if (fd < 0) return -errno;
        try
        {
            int total = 0;
            while (true)
            {
                if (total == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                long n;
                fixed (byte* b = &buffer[total])
                {
                    do n = read(fd, b, buffer.Length - total);
                    while (n < 0 && errno == EINTR);
                }
                if (n < 0) return -errno;
                total += (int)n;
                // fdinfo is a single_open seq_file: one read returns all of it, or fills the buffer.
                if (total < buffer.Length) return total;
            }
        }
        finally
        {
            close(fd);
        }
    }

    public static int FileType(int fd, out FileKind kind, out ulong device, out ulong inode)
    {
        stat st;
        kind = FileKind.Other; device = 0; inode = 0;
        if (fstat(fd, &st) < 0) return errno;
        device = st.st_dev; inode = st.st_ino;
        kind = S_ISREG(st.st_mode) ? FileKind.Regular
             : S_ISBLK(st.st_mode) ? FileKind.BlockDevice
             : S_ISDIR(st.st_mode) ? FileKind.Directory
             : S_ISCHR(st.st_mode) ? FileKind.CharacterDevice
             : S_ISFIFO(st.st_mode) ? FileKind.Fifo
             : S_ISSOCK(st.st_mode) ? FileKind.Socket
             : FileKind.Other;
        return 0;
    }

    /// <summary>fcntl(SETLK) of one byte range with F_RDLCK or F_UNLCK.</summary>
    public static int SetLock(int fd, LockApi api, short type, long start, long length = 1)
    {
        var call = new LockCall(fd, api, api.SetCommand, type, start, length);
        flock fl = default;
        fl.l_type = type;
        fl.l_whence = 0; // SEEK_SET
        fl.l_start = start;
        fl.l_len = length;
        return Fcntl(call, &fl);
    }

    /// <summary>fcntl(GETLK) with F_WRLCK: would a write lock on the range conflict, i.e. does any other
    /// open file description (OFD) or process (POSIX) hold a lock on it? Returns the first conflicting lock.</summary>
    public static int TestLock(int fd, LockApi api, long start, long length, out LockProbe probe)
    {
        var call = new LockCall(fd, api, api.GetCommand, F_WRLCK, start, length);
        flock fl = default;
        fl.l_type = (short)F_WRLCK;
        fl.l_whence = 0;
        fl.l_start = start;
        fl.l_len = length;
        int err = Fcntl(call, &fl);
        probe = err == 0 && fl.l_type != F_UNLCK
            ? new LockProbe(true, fl.l_type == F_WRLCK, fl.l_start, fl.l_len, fl.l_pid)
            : default;
        return err;
    }

    private static int Fcntl(LockCall call, flock* fl)
    {
        while (true)
        {
            int err = InjectFault?.Invoke(call) ?? 0;
            if (err == 0)
                err = fcntl(call.Fd, call.Command, fl) < 0 ? errno : 0;
            if (err != EINTR) return err;
        }
    }

    public static int ReadAt(int fd, Span<byte> buffer, long offset, out int read)
    {
        fixed (byte* p = buffer)
        {
            long n;
            do n = pread(fd, p, buffer.Length, offset);
            while (n < 0 && errno == EINTR);
            read = n < 0 ? 0 : (int)n;
            return n < 0 ? errno : 0;
        }
    }

    public static int Truncate(int fd, long length)
    {
        int rc;
        do rc = ftruncate(fd, length);
        while (rc < 0 && errno == EINTR);
        return rc < 0 ? errno : 0;
    }

    public static int Sync(int fd) => fsync(fd) < 0 ? errno : 0;

    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    public static bool HasOfdLocks { get; } = ProbeOfd();

    /// <summary>QEMU's qemu_probe_lock_ops(): F_OFD_GETLK on /dev/null tells whether the kernel has OFD locks.</summary>
    private static bool ProbeOfd()
    {
        if (Open("/dev/null", readWrite: false, out int fd) != 0) return false;
        try { return TestLock(fd, LockApi.Ofd, 0, 0, out _) == 0; }
        finally { Close(fd); }
    }

    /// <summary>Whether two tasks share one descriptor table (kcmp(2) KCMP_FILES); null when kcmp cannot tell (EPERM,
    /// a task gone, a kernel without kcmp).</summary>
    public static bool? SameFiles(int pid1, int pid2)
    {
        long number = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 312,
            Architecture.Arm64 => 272,
            _ => -1,
        };
        if (number < 0) return null;
        long r = syscall(number, pid1, pid2, 2 /* KCMP_FILES */, 0, 0);
        return r < 0 ? null : r == 0;
    }

    [DllImport("libc", EntryPoint = "syscall")]
    private static extern long syscall(long number, long a, long b, long c, long d, long e);
}

internal enum FileKind { Regular, BlockDevice, Directory, CharacterDevice, Fifo, Socket, Other }

/// <summary>The fcntl commands of one lock family.</summary>
internal readonly record struct LockApi(int SetCommand, int GetCommand, string Name)
{
    public static readonly LockApi Ofd = new(F_OFD_SETLK, F_OFD_GETLK, "OFD");
    public static readonly LockApi Posix = new(6 /* F_SETLK */, 5 /* F_GETLK */, "POSIX");
    public bool IsOfd => SetCommand == Ofd.SetCommand;
}

/// <summary>One fcntl lock call, as the fault-injection seam sees it.</summary>
internal readonly record struct LockCall(int Fd, LockApi Api, int Command, int Type, long Start, long Length)
{
    public bool IsSet => Command == Api.SetCommand;
}

/// <summary>What F_GETLK found: the first lock that would conflict with a write lock.</summary>
internal readonly record struct LockProbe(bool Held, bool Exclusive, long Start, long Length, int Pid);

internal static class LockTypes
{
    public static readonly short Read = (short)F_RDLCK;
    public static readonly short Unlock = (short)F_UNLCK;
    public static int EAGAIN => LibC.EAGAIN;
    public static int EACCES => LibC.EACCES;
    public static int EINTR => LibC.EINTR;
    public static int ENOLCK => LibC.ENOLCK;
    public static int EINVAL => LibC.EINVAL;
    public static int EOPNOTSUPP => LibC.EOPNOTSUPP;
    public static int ENOENT => LibC.ENOENT;
    public static int EISDIR => LibC.EISDIR;
}
