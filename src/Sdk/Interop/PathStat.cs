using System.Text;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace ImageLock.Interop;

/// <summary>stat(2) by path: a file's identity without opening it. Never for another process's /proc/PID/fd/N: stat
/// follows that link into the file's filesystem and blocks while a dead NFS server or a stuck FUSE daemon does not
/// answer (the holder scan reads fdinfo instead; readlink is answered by /proc).</summary>
internal static unsafe class PathStat
{
    public static int Identity(string path, out FileIdentity identity)
    {
        int length = Encoding.UTF8.GetByteCount(path);
        Span<byte> bytes = length < 512 ? stackalloc byte[length + 1] : new byte[length + 1];
        Encoding.UTF8.GetBytes(path, bytes);
        bytes[length] = 0;
        stat st;
        identity = default;
        fixed (byte* p = bytes)
            if (stat(p, &st) < 0) return errno;
        identity = new FileIdentity(st.st_dev, st.st_ino);
        return 0;
    }

    /// <summary>readlink(2), the target's exact bytes decoded as <see cref="PathBytes"/> does; null when unreadable.</summary>
    public static string? ReadLink(string path)
    {
        byte[] name = PathBytes.Encode(path + "\0");
        var target = new byte[4096];
        long n;
        fixed (byte* p = name)
        fixed (byte* t = target)
            n = readlink(p, t, target.Length);
        return n <= 0 ? null : PathBytes.Decode(target.AsSpan(0, (int)n));
    }
}

/// <summary>A file's identity as fstat reports it: device and inode.</summary>
internal readonly record struct FileIdentity(ulong Device, ulong Inode);
