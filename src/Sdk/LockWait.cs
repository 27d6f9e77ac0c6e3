namespace ImageLock;

/// <summary>
/// How an acquisition waits for a conflicting holder to go away. While waiting it only probes with F_GETLK
/// (taking no lock, so it cannot make QEMU fail), sleeping a capped, jittered backoff between probes, and retries the
/// real acquisition when the probe looks clear. It never takes a write lock and never blocks in the kernel.
/// </summary>
public sealed record LockWait
{
    /// <summary>Fail at once on a conflict, as QEMU does.</summary>
    public static readonly LockWait None = new(TimeSpan.Zero);

    /// <summary>Wait until the cancellation token is cancelled.</summary>
    public static readonly LockWait Forever = new(System.Threading.Timeout.InfiniteTimeSpan);

    /// <summary>Waits up to <paramref name="timeout"/> (<see cref="System.Threading.Timeout.InfiniteTimeSpan"/> for no limit).</summary>
    public LockWait(TimeSpan timeout)
    {
        if (timeout < TimeSpan.Zero && timeout != System.Threading.Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "a wait timeout must be zero, positive or infinite");
        Timeout = timeout;
    }

    /// <summary>How long to wait in all.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>First pause between probes.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Longest pause between probes; bounds the delay between a holder leaving and the waiter holding.
    /// 25 ms keeps a waiter (sync or async) under 1% of a core while the median hand-over stays well under 10 ms
    /// (docs/benchmarks.md, benchmark 4).</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromMilliseconds(25);

    /// <summary>True when this policy never waits.</summary>
    public bool FailsImmediately => Timeout == TimeSpan.Zero;
}
