namespace ImageLock;

/// <summary>What a lock that is not QEMU's protocol is, by its scheme and range (docs/json.md, "other_locks").</summary>
public enum OtherLockKind
{
    /// <summary>A flock(2) lock (crosvm, Virtuozzo's prl-disk-tool, .NET's FileStream): another lock space than
    /// QEMU's fcntl locks; on Linux the two never conflict, except over NFS, which emulates flock with fcntl locks.</summary>
    Flock,

    /// <summary>A POSIX lock on byte 0 alone: libvirt virtlockd's lease on a VM's disk (write: exclusive, read: a
    /// shareable disk). Outside QEMU's bytes: no conflict with QEMU.</summary>
    Virtlockd,

    /// <summary>An fcntl lock (POSIX or OFD) over a range of its own, such as the whole file (0..EOF: upstream
    /// cloud-hypervisor, locknloop). Where it covers QEMU's bytes, QEMU sees them held: a write lock makes QEMU fail
    /// with "Failed to lock byte N", a read lock looks like someone using and forbidding every permission it covers.</summary>
    Range,

    /// <summary>A write lock on QEMU's bytes only (100..104, 200..204), which QEMU never takes (it takes read locks):
    /// a QEMU that takes such a byte fails with "Failed to lock byte N".</summary>
    WriteLock,
}

/// <summary>A lock on an image that is not QEMU's protocol, and who holds it, as /proc/locks and /proc/PID/fdinfo show it.</summary>
/// <param name="Pid">The holder's process id (a process appears once per descriptor that carries the lock).</param>
/// <param name="Fd">The descriptor that carries it.</param>
/// <param name="Command">The holder's command line, when /proc lets us read it.</param>
/// <param name="Kind">What the lock is.</param>
/// <param name="Type">The lock's scheme in lslocks(8)'s words: <c>FLOCK</c>, <c>POSIX</c> or <c>OFDLCK</c>.</param>
/// <param name="Write">A write (exclusive) lock; else a read (shared) lock.</param>
/// <param name="Start">The first byte locked (0 for a flock lock, which is on the whole file).</param>
/// <param name="End">The last byte locked, or null for the end of the file however long it grows (lslocks' EOF).</param>
public sealed record OtherLock(int Pid, int? Fd, string? Command, OtherLockKind Kind, string Type, bool Write, long Start, long? End)
{
    /// <summary>As <see cref="LockHolder.CommandLineBlocked"/>: <see cref="Command"/> is only the process's name.</summary>
    public bool CommandLineBlocked { get; init; }


    /// <summary>QEMU's bytes (100..104, 200..204) this lock covers, ascending: what QEMU's own tests see held. None for a
    /// flock lock, which lives in another lock space.</summary>
    public IReadOnlyList<int> QemuBytes =>
        Type == "FLOCK" ? [] : Engine.LockKinds.QemuBytes.Where(b => b >= Start && (End is not long e || b <= e)).ToArray();
}
