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
/// <param name="HoldersComplete">False when no holder was found, or some process's descriptors could not be read and
/// the locks found do not account for every lock /proc/locks lists on the file.</param>
/// <param name="Others">The locks on the file that are not QEMU's protocol (flock, virtlockd, ranges, write locks).</param>
internal sealed record HostFile(string? Path, string Device, ulong Inode, Perm Perm, Unshare Unshare, bool LegacyPerm,
    bool LegacyUnshare, IReadOnlyList<LockHolder> Holders, bool HoldersComplete, IReadOnlyList<OtherLock> Others);

/// <summary>
/// lslocks(8) for QEMU's protocol: every file on this host with an fcntl lock on bytes 100..104 or 200..204, with every
/// lock on it (flock and other ranges too). Files whose locks leave QEMU's bytes alone are lslocks' to list: they are
/// on all kinds of files (package managers, databases), not only images. The bytes come from /proc/locks (every owner,
/// readable or not), the paths and holders from the descriptors whose fdinfo carries those locks. Reads /proc only:
/// no image is opened, no lock taken.
/// </summary>
internal static class HostScan
{
    public static List<HostFile> Find()
    {
        var all = HolderScan.AllLockLines(flock: true);
        var held = all.Where(LockKinds.TouchesQemuBytes).Select(l => (l.Device, l.Inode)).ToHashSet();
        if (held.Count == 0) return [];
        var byFile = all.Where(l => held.Contains((l.Device, l.Inode))).GroupBy(l => (l.Device, l.Inode)).ToDictionary(g => g.Key, g => g.ToList());
        var inodes = byFile.Keys.Select(k => k.Inode).ToHashSet();

        var holders = byFile.Keys.ToDictionary(k => k, _ => new List<LockHolder>());
        var others = byFile.Keys.ToDictionary(k => k, _ => new List<OtherLock>());
        var found = byFile.Keys.ToDictionary(k => k, _ => new HashSet<(string, LockLine)>());
        var paths = new Dictionary<(string, ulong), string>();
        bool readable = true;
        foreach (int pid in HolderScan.Pids())
        {
            var outcome = HolderScan.ScanLocked(pid, inodes.Contains, (fdinfoDir, fd, fdinfo, locks) =>
            {
                // The fdinfo lock lines of a descriptor are on its own file, printed with the device /proc/locks uses.
                var key = (locks[0].Device, locks[0].Inode);
                if (!holders.TryGetValue(key, out var list)) return;
                if (HolderScan.ToHolder(pid, fd, locks) is LockHolder holder) list.Add(holder);
                others[key].AddRange(HolderScan.ToOthers(pid, fd, locks));
                foreach (var l in locks) found[key].Add((l.Posix ? $"pid {pid}" : HolderScan.Description(fdinfo), l.Key));
                if (!paths.ContainsKey(key) && PathStat.ReadLink($"{fdinfoDir[..^"fdinfo".Length]}fd/{fd}") is string path) paths[key] = path;
            });
            if (outcome == HolderScan.ScanOutcome.Unreadable) readable = false;
        }

        var files = new List<HostFile>();
        foreach (var (key, lines) in byFile)
        {
            int perm = Bits(lines, LockProtocol.PermBase), unshare = Bits(lines, LockProtocol.SharedBase);
            bool accounted = readable || HolderScan.Accounts(found[key], lines);
            files.Add(new HostFile(paths.GetValueOrDefault(key), key.Device, key.Inode, (Perm)perm, (Unshare)unshare,
                Covered(lines, LockProtocol.PermBase + PermNames.Count), Covered(lines, LockProtocol.SharedBase + PermNames.Count),
                HolderScan.Sorted(holders[key]), accounted && holders[key].Count > 0, HolderScan.Sorted(others[key])));
        }
        return files.OrderBy(f => f.Path is null).ThenBy(f => f.Path, StringComparer.Ordinal).ThenBy(f => f.Inode).ToList();
    }

    private static bool Covered(List<LockLine> lines, int b) => lines.Any(l => !l.Flock && l.Covers(b));

    private static int Bits(List<LockLine> lines, int baseByte)
    {
        int bits = 0;
        for (int i = 0; i < PermNames.Count; i++)
            if (Covered(lines, baseByte + i)) bits |= 1 << i;
        return bits;
    }
}
