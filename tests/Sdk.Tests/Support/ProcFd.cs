using System.Globalization;

namespace ImageLock.Tests.Support;

/// <summary>What /proc says about this process's descriptors: independent evidence of what the engine holds.</summary>
internal static class ProcFd
{
    /// <summary>Descriptors of this process open on <paramref name="path"/> (compared by link target).</summary>
    public static List<int> On(string path)
    {
        string full = Path.GetFullPath(path);
        var fds = new List<int>();
        foreach (var entry in Directory.GetFiles("/proc/self/fd"))
        {
            string? target;
            try { target = new FileInfo(entry).LinkTarget; }
            catch (IOException) { continue; } // closed meanwhile
            if (target == full) fds.Add(int.Parse(Path.GetFileName(entry), CultureInfo.InvariantCulture));
        }
        return fds;
    }

    /// <summary>The lock lines of one descriptor: kind (OFDLCK, POSIX, FLOCK), type (READ, WRITE) and every byte covered.</summary>
    public static List<LockLine> Locks(int fd) => Locks(Environment.ProcessId, fd);

    public static List<LockLine> Locks(int pid, int fd)
    {
        var result = new List<LockLine>();
        foreach (var line in File.ReadAllLines($"/proc/{pid}/fdinfo/{fd}"))
        {
            if (!line.StartsWith("lock:", StringComparison.Ordinal)) continue;
            // lock:	1: OFDLCK  ADVISORY  READ  -1 08:02:1234 100 101
            var f = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (f.Contains("->")) continue; // a blocked waiter, not a held lock
            long start = long.Parse(f[^2], CultureInfo.InvariantCulture);
            long end = f[^1] == "EOF" ? long.MaxValue : long.Parse(f[^1], CultureInfo.InvariantCulture);
            result.Add(new LockLine(f[2], f[4], start, end));
        }
        return result;
    }

    /// <summary>The protocol bytes (100..104, 200..204) covered by the descriptor's locks; any other byte as well, up to 1024.</summary>
    public static SortedSet<long> Bytes(int fd) => Bytes(Environment.ProcessId, fd);

    public static SortedSet<long> Bytes(int pid, int fd)
    {
        var bytes = new SortedSet<long>();
        foreach (var l in Locks(pid, fd))
            for (long b = l.Start; b <= Math.Min(l.End, 1024); b++) bytes.Add(b);
        return bytes;
    }

    /// <summary>Every byte locked through any descriptor of this process on <paramref name="path"/>.</summary>
    public static SortedSet<long> BytesOn(string path)
    {
        var all = new SortedSet<long>();
        foreach (var fd in On(path))
        {
            try { all.UnionWith(Bytes(fd)); }
            catch (IOException) { }
        }
        return all;
    }

    /// <summary>The access mode of a descriptor from fdinfo's octal flags: 0 O_RDONLY, 1 O_WRONLY, 2 O_RDWR.</summary>
    public static int AccessMode(int fd)
    {
        foreach (var line in File.ReadAllLines($"/proc/self/fdinfo/{fd}"))
            if (line.StartsWith("flags:", StringComparison.Ordinal))
                return (int)(Convert.ToInt64(line["flags:".Length..].Trim(), 8) & 3);
        throw new InvalidOperationException($"no flags line for fd {fd}");
    }

    /// <summary>The O_CLOEXEC bit from fdinfo's flags.</summary>
    public static bool IsCloseOnExec(int fd)
    {
        foreach (var line in File.ReadAllLines($"/proc/self/fdinfo/{fd}"))
            if (line.StartsWith("flags:", StringComparison.Ordinal))
                return (Convert.ToInt64(line["flags:".Length..].Trim(), 8) & 0x80000) != 0;
        throw new InvalidOperationException($"no flags line for fd {fd}");
    }

    /// <summary>The expected byte set of a grant: 100+i for each perm bit, 200+i for each unshare bit.</summary>
    public static SortedSet<long> Expected(Perm perm, Unshare unshare)
    {
        var set = new SortedSet<long>();
        for (int i = 0; i < 4; i++)
        {
            if (((int)perm & (1 << i)) != 0) set.Add(100 + i);
            if (((int)unshare & (1 << i)) != 0) set.Add(200 + i);
        }
        return set;
    }

    public static string Show(IEnumerable<long> bytes) => "{" + string.Join(",", bytes) + "}";
}

internal sealed record LockLine(string Kind, string Type, long Start, long End);
