namespace ImageLock.Cli;

/// <summary>The locks on an image that are not QEMU's protocol, in words: the kind (flock, virtlockd, range, write-lock),
/// the lock in lslocks(8)'s (TYPE FLOCK/POSIX/OFDLCK, MODE READ/WRITE, START, END) and what it means for QEMU.</summary>
internal static class OtherLockText
{
    public static string Kind(OtherLock l) => l.Kind switch
    {
        OtherLockKind.Flock => "flock",
        OtherLockKind.Virtlockd => "virtlockd",
        OtherLockKind.Range => "range",
        _ => "write-lock",
    };

    public static string Mode(OtherLock l) => l.Write ? "WRITE" : "READ";

    public static string End(OtherLock l) => l.End?.ToString() ?? "EOF";

    /// <summary>The holders of QEMU's bytes that follow its protocol: those whose bytes come from another kind of lock
    /// (a whole-file lock, a write lock on a protocol byte) are shown with the other locks instead.</summary>
    public static List<LockHolder> QemuHolders(ImageStatus status) =>
        status.Holders.Where(h => !status.OtherLocks.Any(o => o.Pid == h.Pid && o.Fd == h.Fd && o.QemuBytes.Count > 0)).ToList();

    /// <summary>Some lock explains the bytes held, even when no QEMU-protocol holder is left to show.</summary>
    public static bool ExplainsBytes(ImageStatus status) => status.Holders.Count > 0 || status.OtherLocks.Any(o => o.QemuBytes.Count > 0);

    /// <summary>The block under an image's holders: a table of the other locks, then one line per meaning.</summary>
    public static string Format(IReadOnlyList<OtherLock> locks, TableStyle style)
    {
        var rows = new List<string[]> { new[] { "PID", "FD", "KIND", "TYPE", "MODE", "START", "END", "COMMAND" } };
        foreach (var l in locks)
            rows.Add([l.Pid.ToString(), l.Fd?.ToString() ?? "?", Kind(l), l.Type, Mode(l), l.Start.ToString(), End(l), CommandCell.Of(l.Command, l.CommandLineBlocked)]);
        return "other locks (not QEMU's protocol):\n" + Columns.Align(rows, indent: "  ", width: style.Width)
            + string.Concat(locks.Select(Meaning).Distinct().Select(m => "  " + m + "\n"))
            + CommandCell.Notes(locks.Select(l => (l.Pid, l.CommandLineBlocked)));
    }

    /// <summary>What the lock is and what it does to QEMU, one line.</summary>
    public static string Meaning(OtherLock l) => l.Kind switch
    {
        OtherLockKind.Flock => "flock: a flock(2) lock, another lock scheme (crosvm, prl-disk-tool, .NET FileStream): on Linux it does not " +
            "conflict with QEMU's fcntl locks (over NFS it does: NFS emulates flock with a whole-file fcntl lock)",
        OtherLockKind.Virtlockd => $"virtlockd: libvirt virtlockd's lease on byte 0 (POSIX {Mode(l)}: " +
            (l.Write ? "the disk of a running VM" : "a shareable disk") + "): it leaves QEMU's bytes alone, no conflict with QEMU",
        OtherLockKind.Range => $"range {l.Start}-{End(l)}" + (l.Start == 0 && l.End is null ? " (the whole file)" : "") +
            $": an fcntl {Mode(l)} lock beyond QEMU's bytes (cloud-hypervisor, locknloop): " + Effect(l),
        _ => $"write-lock {Bytes(l)}: a write lock on QEMU's byte{(l.QemuBytes.Count > 1 ? "s" : "")} {Bytes(l)}, which QEMU never takes " +
            "(it takes read locks): " + Effect(l),
    };

    private static string Bytes(OtherLock l) => l.Start == l.End ? $"{l.Start}" : $"{l.Start}-{End(l)}";

    /// <summary>What QEMU meets: a write lock fails its first lock call on a covered byte; a read lock makes its check see
    /// the covered permissions used (100+i) and forbidden (200+i).</summary>
    private static string Effect(OtherLock l)
    {
        var bytes = l.QemuBytes;
        if (bytes.Count == 0) return "it leaves QEMU's bytes (100-104, 200-204) alone, no conflict with QEMU";
        if (l.Write) return $"a QEMU that takes byte {bytes[0]} fails with \"Failed to lock byte {bytes[0]}\"";
        int unshared = bytes.FirstOrDefault(b => b >= 200 && b < 200 + PermNames.Count);
        if (unshared != 0)
        {
            string name = PermNames.QemuName(unshared - 200);
            return $"a QEMU that uses {name} fails with \"Failed to get \"{name}\" lock\"";
        }
        int used = bytes.FirstOrDefault(b => b >= 100 && b < 100 + PermNames.Count);
        if (used != 0)
        {
            string name = PermNames.QemuName(used - 100);
            return $"a QEMU that forbids {name} fails with \"Failed to get shared \"{name}\" lock\"";
        }
        return "it covers only the legacy byte 104/204 (QEMU <= 6.2's graph-mod)";
    }
}
