using System.Globalization;
using Tmds.Linux;

namespace ImageLock.Qemu.Tests.Fixtures;

/// <summary>One descriptor of a process that carries locks on an image, from /proc/PID/fdinfo/FD.</summary>
/// <param name="Bytes">Every locked byte offset (ranges expanded; the kernel merges adjacent bytes, "100 101").</param>
/// <param name="ReadWrite">The descriptor was opened O_RDWR (else O_RDONLY).</param>
/// <param name="Kinds">Lock kinds seen, e.g. "OFDLCK READ".</param>
public sealed record FdLocks(int Fd, IReadOnlySet<long> Bytes, bool ReadWrite, IReadOnlySet<string> Kinds)
{
    public string Render() => $"fd{Fd} {(ReadWrite ? "O_RDWR" : "O_RDONLY")}: {string.Join(",", Bytes.Order())} [{string.Join(";", Kinds)}]";
}

/// <summary>
/// Reads the "lock:" lines of /proc/PID/fdinfo: OFD locks show pid -1 in /proc/locks, so fdinfo is the only place
/// that ties a lock to the QEMU process and descriptor that holds it.
/// </summary>
public static unsafe class ProcLocks
{
    public static IReadOnlyList<FdLocks> Of(int pid, string image) => OfInode(pid, InodeKey(image));

    /// <summary>By inode key, for images that may be deleted meanwhile (a failed qcow2 create deletes the file).</summary>
    public static IReadOnlyList<FdLocks> OfInode(int pid, string key)
    {
        var result = new List<FdLocks>();
        foreach (var file in Directory.GetFiles($"/proc/{pid}/fdinfo"))
        {
            string text;
            try { text = File.ReadAllText(file); }
            catch (IOException) { continue; } // descriptor closed meanwhile
            var bytes = new SortedSet<long>();
            var kinds = new SortedSet<string>();
            bool rw = false;
            foreach (var line in text.Split('\n'))
            {
                var f = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (line.StartsWith("flags:", StringComparison.Ordinal))
                    rw = (Convert.ToInt32(f[1], 8) & 3) == 2;
                if (!line.StartsWith("lock:", StringComparison.Ordinal)) continue;
                int k = Array.IndexOf(f, key);
                if (k < 0 || line.Contains("->")) continue;
                kinds.Add($"{f[2]} {f[4]}");
                long start = long.Parse(f[k + 1], CultureInfo.InvariantCulture);
                long end = f[k + 2] == "EOF" ? start : long.Parse(f[k + 2], CultureInfo.InvariantCulture);
                for (long b = start; b <= end; b++) bytes.Add(b);
            }
            if (bytes.Count > 0)
                result.Add(new FdLocks(int.Parse(Path.GetFileName(file), CultureInfo.InvariantCulture), bytes, rw, kinds));
        }
        return result.OrderBy(l => l.Fd).ToList();
    }

    /// <summary>The lock bytes of a set of descriptors, as the reference prints them ("100,101,201").</summary>
    public static string ByteList(IEnumerable<FdLocks> fds) => string.Join(",", fds.SelectMany(f => f.Bytes).Distinct().Order());

    /// <summary>The bytes a grant publishes, as a list comparable with <see cref="ByteList"/>.</summary>
    public static string ByteList(Perm perm, Unshare unshare) =>
        string.Join(",", Enumerable.Range(0, 4).Where(i => ((int)perm & (1 << i)) != 0).Select(i => 100 + i)
            .Concat(Enumerable.Range(0, 4).Where(i => ((int)unshare & (1 << i)) != 0).Select(i => 200 + i)));

    /// <summary>"MAJ:MIN:INODE" as /proc/locks and fdinfo print it.</summary>
    public static string InodeKey(string path)
    {
        stat st;
        byte[] name = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = name)
            if (LibC.stat(p, &st) != 0) throw new IOException($"stat {path} failed: errno {LibC.errno}");
        ulong dev = st.st_dev;
        ulong major = ((dev >> 8) & 0xfff) | ((dev >> 32) & 0xfffff000);
        ulong minor = (dev & 0xff) | ((dev >> 12) & 0xffffff00);
        return $"{major:x2}:{minor:x2}:{st.st_ino}";
    }
}
