using System.Globalization;

namespace ImageLock.Engine;

/// <summary>
/// Names the processes that hold lock bytes on an inode. OFD locks show pid -1 in /proc/locks, so the owner is found
/// through the "lock:" lines of /proc/PID/fdinfo/FD. Read-only: it never opens the image and takes no lock.
/// </summary>
internal static class HolderScan
{
    public static IReadOnlyList<LockHolder> Find(ulong device, ulong inode, out bool complete)
    {
        string key = InodeKey(device, inode);
        return FindAll([key], out complete).TryGetValue(key, out var holders) ? holders : [];
    }

    /// <summary>One pass over /proc for many inodes ("MAJ:MIN:INODE" keys): the cost of a scan is the number of
    /// descriptors on the machine, so <c>status</c> of many images must not pay it once per image.</summary>
    public static Dictionary<string, List<LockHolder>> FindAll(IReadOnlyCollection<string> keys, out bool complete)
    {
        complete = true;
        var found = new Dictionary<string, List<LockHolder>>(StringComparer.Ordinal);
        string? locks = TryRead("/proc/locks");
        if (locks is null) { complete = false; return found; }
        var wanted = keys.Where(k => locks.Contains(" " + k + " ", StringComparison.Ordinal)).ToArray();
        if (wanted.Length == 0) return found;

        string[] pids;
        try { pids = Directory.GetDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)).ToArray(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { complete = false; return found; }

        byte[] buffer = new byte[8192];
        foreach (var dir in pids)
        {
            int pid = int.Parse(Path.GetFileName(dir), CultureInfo.InvariantCulture);
            string[] fdinfos;
            try { fdinfos = Directory.GetFiles(Path.Combine(dir, "fdinfo")); }
            catch (DirectoryNotFoundException) { continue; } // the process exited meanwhile
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { complete = false; continue; }

            foreach (var fdinfo in fdinfos)
            {
                // Most descriptors carry no lock: look for "lock:" in the raw bytes before making a string.
                int length = Interop.Syscalls.ReadFile(fdinfo, buffer);
                if (length <= 0 || buffer.AsSpan(0, length).IndexOf("lock:"u8) < 0) continue;
                string text = System.Text.Encoding.ASCII.GetString(buffer, 0, length);
                int fd = int.Parse(Path.GetFileName(fdinfo), CultureInfo.InvariantCulture);
                foreach (var key in wanted)
                {
                    if (!text.Contains(key, StringComparison.Ordinal)) continue;
                    var holder = Parse(pid, fd, text, key, dir);
                    if (holder is null) continue;
                    if (!found.TryGetValue(key, out var list)) found[key] = list = [];
                    list.Add(holder);
                }
            }
        }
        foreach (var list in found.Values)
            list.Sort((a, b) => a.Pid != b.Pid ? a.Pid.CompareTo(b.Pid) : Nullable.Compare(a.Fd, b.Fd));
        return found;
    }

    /// <summary>"MAJ:MIN:INODE" as /proc/locks and fdinfo print it (hex device numbers, decimal inode).</summary>
    internal static string InodeKey(ulong dev, ulong inode)
    {
        ulong major = ((dev >> 8) & 0xfff) | ((dev >> 32) & 0xfffff000);
        ulong minor = (dev & 0xff) | ((dev >> 12) & 0xffffff00);
        return $"{major:x2}:{minor:x2}:{inode}";
    }

    private static LockHolder? Parse(int pid, int fd, string fdinfo, string key, string procDir)
    {
        int perm = 0, unshare = 0;
        bool legacy = false, exclusive = false;
        string kind = "OFD";
        foreach (var line in fdinfo.Split('\n'))
        {
            if (!line.StartsWith("lock:", StringComparison.Ordinal)) continue;
            // lock:	1: OFDLCK  ADVISORY  READ  -1 08:02:1234 100 101
            var f = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            int k = Array.IndexOf(f, key);
            if (k < 0 || k + 2 >= f.Length || f.Contains("->")) continue;
            if (f[2] is not ("OFDLCK" or "POSIX")) continue; // FLOCK/LEASE/DELEG are other lock spaces (.NET FileStream takes flock)
            kind = f[2] == "POSIX" ? "POSIX" : "OFD";
            exclusive |= f[4] == "WRITE";
            long start = long.Parse(f[k + 1], CultureInfo.InvariantCulture);
            long end = f[k + 2] == "EOF" ? long.MaxValue : long.Parse(f[k + 2], CultureInfo.InvariantCulture);
            for (int i = 0; i <= PermNames.Count; i++)
            {
                bool permByte = LockProtocol.PermBase + i >= start && LockProtocol.PermBase + i <= end;
                bool sharedByte = LockProtocol.SharedBase + i >= start && LockProtocol.SharedBase + i <= end;
                if (i == PermNames.Count) { legacy |= permByte || sharedByte; continue; }
                if (permByte) perm |= 1 << i;
                if (sharedByte) unshare |= 1 << i;
            }
        }
        if (perm == 0 && unshare == 0 && !legacy && !exclusive) return null;
        return new LockHolder(pid, fd, CommandLine(procDir), (Perm)perm, (Unshare)unshare, kind, legacy, exclusive);
    }

    private static string? CommandLine(string procDir)
    {
        string? raw = TryRead(Path.Combine(procDir, "cmdline"));
        if (string.IsNullOrEmpty(raw)) return TryRead(Path.Combine(procDir, "comm"))?.Trim();
        return raw.TrimEnd('\0').Replace('\0', ' ');
    }

    private static string? TryRead(string path)
    {
        try { return File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }
}
