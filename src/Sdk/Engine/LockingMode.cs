using ImageLock.Interop;

namespace ImageLock;

/// <summary>Which lock calls a lease uses, after QEMU's <c>locking=on|off|auto</c>.</summary>
public enum LockingMode
{
    /// <summary>Default: open file description (OFD) locks, exactly as QEMU uses them; fails when the kernel lacks them.</summary>
    Ofd = 0,

    /// <summary>QEMU's <c>locking=on</c>: OFD locks, or POSIX locks when the kernel lacks OFD.
    /// Hazard: POSIX locks belong to the process and vanish when <em>any</em> descriptor of the image in this
    /// process is closed, and two leases in one process do not see each other.</summary>
    On = 1,

    /// <summary>QEMU's <c>locking=auto</c>: OFD locks, or no locking at all when the kernel lacks them.</summary>
    Auto = 2,

    /// <summary>QEMU's <c>locking=off</c>: nothing is locked or checked. Only for images coordinated by other means.</summary>
    Off = 3,

    /// <summary>POSIX fcntl locks only (F_SETLK/F_GETLK), explicitly asked for; same hazard as <see cref="On"/>.</summary>
    Posix = 4,
}

internal static class LockingModes
{
    /// <summary>The lock calls for <paramref name="mode"/>, or null when nothing is to be locked.</summary>
    public static LockApi? Resolve(LockingMode mode, string path) => mode switch
    {
        LockingMode.Ofd when Syscalls.HasOfdLocks => LockApi.Ofd,
        LockingMode.Ofd => throw new ImageLockUnsupportedException(path,
            $"OFD locks are not available in this kernel, so [{path}] cannot be locked the way QEMU locks it. " +
            "Use LockingMode.On to fall back to POSIX locks (they vanish when any descriptor of the image in this process closes)."),
        LockingMode.On => Syscalls.HasOfdLocks ? LockApi.Ofd : LockApi.Posix,
        LockingMode.Auto => Syscalls.HasOfdLocks ? LockApi.Ofd : null,
        LockingMode.Off => null,
        LockingMode.Posix => LockApi.Posix,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown LockingMode"),
    };
}
