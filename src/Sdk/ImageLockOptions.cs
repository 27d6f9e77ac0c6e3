namespace ImageLock;

/// <summary>Options of an acquisition beyond the grant.</summary>
public sealed record ImageLockOptions
{
    /// <summary>The defaults: OFD locks, fail at once.</summary>
    public static readonly ImageLockOptions Default = new();

    /// <summary>The defaults with <paramref name="wait"/>; no allocation for the common "fail at once".</summary>
    internal static ImageLockOptions WithWait(LockWait? wait) =>
        wait is null || ReferenceEquals(wait, LockWait.None) ? Default : Default with { Wait = wait };

    /// <summary>The defaults with <paramref name="wait"/>. Because a wait converts to options (and not back), a call that
    /// passes <c>null</c> where a wait or options go (<c>AcquireAsync(path, perm, unshare, null, ct)</c>) binds to the
    /// wait overload, where null means "fail at once", instead of being ambiguous (CS0121).</summary>
    public static implicit operator ImageLockOptions(LockWait? wait) => WithWait(wait);

    /// <summary>Which lock calls to use (default <see cref="LockingMode.Ofd"/>).</summary>
    public LockingMode Locking { get; init; } = LockingMode.Ofd;

    /// <summary>How to wait for a conflicting holder (default: fail at once).</summary>
    public LockWait Wait { get; init; } = LockWait.None;

    /// <summary>How long a refusal may spend naming the holders of the conflicting byte in /proc (default 50 ms).
    /// The conflict itself is decided before; a scan cut short says so in the message. Zero names nobody,
    /// <see cref="Timeout.InfiniteTimeSpan"/> scans all of /proc.</summary>
    public TimeSpan HolderScanBudget
    {
        get => _holderScanBudget;
        init => _holderScanBudget = value >= TimeSpan.Zero || value == Timeout.InfiniteTimeSpan ? value
            : throw new ArgumentOutOfRangeException(nameof(HolderScanBudget), value, "a holder scan budget must be zero, positive or infinite");
    }

    private readonly TimeSpan _holderScanBudget = TimeSpan.FromMilliseconds(50);
}
