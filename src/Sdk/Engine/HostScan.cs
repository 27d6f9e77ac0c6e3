using ImageLock.Interop;

namespace ImageLock.Engine;

/// <summary>A file some process holds QEMU's protocol bytes on, as /proc shows it.</summary>
/// <param name="Path">Where a holder's /proc/PID/fd link points, or null when no holder's descriptors are readable.</param>
/// <param name="Device">MAJ:MIN as /proc/locks prints it.</param>
/// <param name="Inode">The file's inode number.</param>
/// <param name="Perm">Permission bytes (100+i) anyone holds.</param>
/// <param name="Unshare">Unshare bytes (200+i) anyone holds.</param>
/// <param name="LegacyPerm">Byte 104 is held.</param>
/// <param name="LegacyUnshare">Byte 204 is held.</param>
/// <param name="Holders">The descriptors carrying those locks, as far as /proc is readable.</param>
/// <param name="HoldersComplete">False when some process's descriptors could not be read, or no holder was found.</param>
internal sealed record HostFile(string? Path, string Device, ulong Inode, Perm Perm, Unshare Unshare, bool LegacyPerm,
    bool LegacyUnshare, IReadOnlyList<LockHolder> Holders, bool HoldersComplete);

/// <summary>
/// lslocks(8) for QEMU's protocol: every file on this host with a lock on bytes 100..104 or 200..204. The bytes come
/// from /proc/locks (every owner, readable or not), the paths and holders from the descriptors whose fdinfo carries
/// those locks. Reads /proc only: no image is opened, no lock taken.
/// </summary>
internal static class HostScan
{
    public static List<HostFile> Find()
    {
        var byFile = HolderScan.AllLockLines().Where(IsProtocol).GroupBy(l => (l.Device, l.Inode))
            .ToDictionary(g => g.Key, g => g.ToList());
        if (byFile.Count == 0) return [];
        var inodes = byFile.Keys.Select(k => k.Inode).ToHashSet();

        var holders = byFile.Keys.ToDictionary(k => k, _ => new List<LockHolder>());
        var paths = new Dictionary<(string, ulong), string>();
        bool complete = true;
        foreach (int pid in HolderScan.Pids())
        {
            var outcome = HolderScan.ScanLocked(pid, inodes.Contains, (fd, locks) =>
            {
                // The fdinfo lock lines of a descriptor are on its own file, printed with the device /proc/locks uses.
                var mine = locks.Where(IsProtocol).ToList();
                if (mine.Count == 0 || !holders.TryGetValue((mine[0].Device, mine[0].Inode), out var list)) return;
                list.Add(HolderScan.ToHolder(pid, fd, mine));
                if (!paths.ContainsKey((mine[0].Device, mine[0].Inode)) && PathStat.ReadLink($"/proc/{pid}/fd/{fd}") is string path)
                    paths[(mine[0].Device, mine[0].Inode)] = path;
            });
            if (outcome == HolderScan.ScanOutcome.Unreadable) complete = false;
        }

        var files = new List<HostFile>();
        foreach (var (key, lines) in byFile)
        {
            int perm = Bits(lines, LockProtocol.PermBase), unshare = Bits(lines, LockProtocol.SharedBase);
            files.Add(new HostFile(paths.GetValueOrDefault(key), key.Device, key.Inode, (Perm)perm, (Unshare)unshare,
                lines.Any(l => l.Covers(LockProtocol.PermBase + PermNames.Count)), lines.Any(l => l.Covers(LockProtocol.SharedBase + PermNames.Count)),
                HolderScan.Sorted(holders[key]), complete && holders[key].Count > 0));
        }
        return files.OrderBy(f => f.Path is null).ThenBy(f => f.Path, StringComparer.Ordinal).ThenBy(f => f.Inode).ToList();
    }

    /// <summary>A lock on some byte of 100..104 or 200..204 (a whole-file lock covers them too).</summary>
    private static bool IsProtocol(LockLine l) =>
        Overlaps(l, LockProtocol.PermBase) || Overlaps(l, LockProtocol.SharedBase);

    private static bool Overlaps(LockLine l, int baseByte) => l.Start <= baseByte + PermNames.Count && l.End >= baseByte;

    private static int Bits(List<LockLine> lines, int baseByte)
    {
        int bits = 0;
        for (int i = 0; i < PermNames.Count; i++)
            if (lines.Any(l => l.Covers(baseByte + i))) bits |= 1 << i;
        return bits;
    }
}
