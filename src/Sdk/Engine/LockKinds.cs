namespace ImageLock.Engine;

/// <summary>Tells QEMU's protocol from the other lock schemes on an image: QEMU takes fcntl read locks on single bytes of
/// 100..104 and 200..204 only; anything else (flock, other ranges, write locks) is someone else's.</summary>
internal static class LockKinds
{
    /// <summary>QEMU's bytes: 100+i "uses permission i", 200+i "forbids it" (104/204: QEMU &lt;= 6.2's graph-mod).</summary>
    public static readonly int[] QemuBytes = [.. Enumerable.Range(LockProtocol.PermBase, PermNames.Count + 1),
        .. Enumerable.Range(LockProtocol.SharedBase, PermNames.Count + 1)];

    /// <summary>An fcntl lock covering some byte of QEMU's: QEMU's F_OFD_GETLK tests see it.</summary>
    public static bool TouchesQemuBytes(LockLine l) => !l.Flock && QemuBytes.Any(b => l.Covers(b));

    /// <summary>The kind of a lock that is not QEMU's protocol, or null for one of QEMU's (a read lock within its bytes).</summary>
    public static OtherLockKind? Classify(LockLine l)
    {
        if (l.Flock) return OtherLockKind.Flock;
        if (l.Posix && l.Start == 0 && l.End == 0) return OtherLockKind.Virtlockd; // virFileLock(fd, shared, 0, 1)
        bool within = Within(l, LockProtocol.PermBase) || Within(l, LockProtocol.SharedBase);
        if (!within) return OtherLockKind.Range;
        return l.Write ? OtherLockKind.WriteLock : null;
    }

    private static bool Within(LockLine l, int baseByte) => l.Start >= baseByte && l.End <= baseByte + PermNames.Count;
}
