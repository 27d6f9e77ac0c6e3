using System.Diagnostics;

namespace ImageLock.Engine;

/// <summary>
/// Capped, decorrelated-jitter backoff bounded by the wait's timeout. The jitter keeps two waiters from probing in
/// lockstep, so they cannot livelock by repeatedly publishing and withdrawing their bytes at the same moments.
/// </summary>
internal sealed class Backoff
{
    private readonly LockWait _wait;
    private readonly long _start = Stopwatch.GetTimestamp();
    private double _previousMs;

    public Backoff(LockWait wait)
    {
        _wait = wait;
        _previousMs = wait.InitialBackoff.TotalMilliseconds;
    }

    /// <summary>The next pause, or false when the wait's time is up.</summary>
    public bool TryNext(out TimeSpan delay)
    {
        delay = TimeSpan.Zero;
        if (_wait.FailsImmediately) return false;
        double low = _wait.InitialBackoff.TotalMilliseconds, cap = _wait.MaxBackoff.TotalMilliseconds;
        double next = Math.Min(cap, low + Random.Shared.NextDouble() * Math.Max(0, _previousMs * 3 - low));
        _previousMs = next;
        if (_wait.Timeout != Timeout.InfiniteTimeSpan)
        {
            double remaining = (_wait.Timeout - Stopwatch.GetElapsedTime(_start)).TotalMilliseconds;
            if (remaining <= 0) return false;
            next = Math.Min(next, remaining);
        }
        delay = TimeSpan.FromMilliseconds(next);
        return true;
    }
}
