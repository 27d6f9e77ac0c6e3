using System.Text;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace ImageLock.Benchmarks;

/// <summary>
/// The hand-written floor for benchmark 1: open(2), fcntl(F_OFD_SETLK/F_OFD_GETLK) and close(2) straight through
/// Tmds.LibC, with every byte range precomputed. No validation, no fstat, no objects: what any correct client must pay.
/// </summary>
public sealed unsafe class RawLockSequence
{
    private readonly byte[] _path;
    private readonly int _openFlags;
    private readonly (int Start, int Length)[] _locks;
    private readonly (int Start, int Length)[] _checks;
    private bool _engineExtras;

    private RawLockSequence(string path, bool readWrite, (int, int)[] locks, (int, int)[] checks)
    {
        _path = Encoding.UTF8.GetBytes(path + "\0");
        _openFlags = (readWrite ? O_RDWR : O_RDONLY) | O_CLOEXEC;
        _locks = locks;
        _checks = checks;
    }

    /// <summary>QEMU's sequence: one call per byte (file-posix.c raw_apply_lock_bytes / raw_check_lock_bytes).</summary>
    public static RawLockSequence PerByte(string path, Perm perm, Unshare unshare) =>
        new(path, ImageLease.NeedsReadWrite(perm),
            [.. Bytes(100, (int)perm), .. Bytes(200, (int)unshare)],
            [.. Bytes(200, (int)perm), .. Bytes(100, (int)unshare)]);

    /// <summary>The minimal sequence: one call per run of adjacent bytes, which no other process can tell apart.</summary>
    public static RawLockSequence PerRun(string path, Perm perm, Unshare unshare) =>
        new(path, ImageLease.NeedsReadWrite(perm),
            [.. Runs(100, (int)perm), .. Runs(200, (int)unshare)],
            [.. Runs(200, (int)perm), .. Runs(100, (int)unshare)]);

    /// <summary>Also makes the engine's three non-lock syscalls (O_NONBLOCK open, F_GETFL/F_SETFL to clear it, fstat
    /// to reject non-images), separating the engine's syscall cost from its managed cost.</summary>
    public RawLockSequence WithEngineExtras()
    {
        _engineExtras = true;
        return this;
    }

    /// <summary>open, lock, check; returns the descriptor.</summary>
    public int Acquire()
    {
        int fd;
        fixed (byte* p = _path) fd = open(p, _openFlags | (_engineExtras ? O_NONBLOCK | O_NOCTTY : 0), 0);
        if (fd < 0) throw new InvalidOperationException($"open failed: errno {errno}");
        if (_engineExtras)
        {
            fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
            stat st;
            if (fstat(fd, &st) < 0) throw new InvalidOperationException($"fstat failed: errno {errno}");
        }
        foreach (var (start, length) in _locks) Set(fd, (short)F_RDLCK, start, length);
        foreach (var (start, length) in _checks)
        {
            flock fl = Range((short)F_WRLCK, start, length);
            if (fcntl(fd, F_OFD_GETLK, &fl) < 0) throw new InvalidOperationException($"F_OFD_GETLK failed: errno {errno}");
            if (fl.l_type != F_UNLCK) throw new InvalidOperationException($"byte {start} is held by someone else");
        }
        return fd;
    }

    /// <summary>Unlock every range, then close, as QEMU and the engine do.</summary>
    public void Release(int fd)
    {
        foreach (var (start, length) in _locks) Set(fd, (short)F_UNLCK, start, length);
        close(fd);
    }

    /// <summary>close alone: the kernel drops OFD locks with the last descriptor of the description.</summary>
    public static void CloseOnly(int fd) => close(fd);

    private static void Set(int fd, short type, int start, int length)
    {
        flock fl = Range(type, start, length);
        if (fcntl(fd, F_OFD_SETLK, &fl) < 0) throw new InvalidOperationException($"F_OFD_SETLK failed: errno {errno}");
    }

    private static flock Range(short type, int start, int length)
    {
        flock fl = default;
        fl.l_type = type;
        fl.l_whence = 0; // SEEK_SET
        fl.l_start = start;
        fl.l_len = length;
        return fl;
    }

    private static IEnumerable<(int, int)> Bytes(int baseByte, int bits) =>
        Enumerable.Range(0, 4).Where(i => (bits & (1 << i)) != 0).Select(i => (baseByte + i, 1));

    internal static IEnumerable<(int, int)> Runs(int baseByte, int bits)
    {
        for (int i = 0; i < 4;)
        {
            if ((bits & (1 << i)) == 0) { i++; continue; }
            int first = i;
            while (i < 4 && (bits & (1 << i)) != 0) i++;
            yield return (baseByte + first, i - first);
        }
    }
}
