using ImageLock.Interop;
using static Tmds.Linux.LibC;

namespace ImageLock.Benchmarks;

/// <summary>
/// Counts the engine's fcntl lock calls through <see cref="Syscalls.InjectFault"/> (called before every lock call;
/// returning 0 lets the call through). Records ranges, not just calls, so coalesced calls are counted as calls while
/// the bytes they cover are still checked against QEMU's.
/// </summary>
internal sealed class FcntlCounter : IDisposable
{
    private readonly List<LockCall> _calls = [];

    public FcntlCounter()
    {
        if (Syscalls.InjectFault is not null) throw new InvalidOperationException("the fault seam is already in use");
        Syscalls.InjectFault = call => { lock (_calls) _calls.Add(call); return 0; };
    }

    /// <summary>The calls recorded since the last <see cref="Take"/>.</summary>
    public CallSummary Take()
    {
        lock (_calls)
        {
            var summary = CallSummary.Of(_calls);
            _calls.Clear();
            return summary;
        }
    }

    public void Dispose() => Syscalls.InjectFault = null;
}

/// <summary>Calls by kind, and the bytes each kind covered (a byte covered twice is kept twice).</summary>
internal sealed record CallSummary(int Locks, int Checks, int Unlocks, List<int> LockBytes, List<int> CheckBytes, List<int> UnlockBytes)
{
    public int Calls => Locks + Checks + Unlocks;

    public static CallSummary Of(IEnumerable<LockCall> calls)
    {
        int locks = 0, checks = 0, unlocks = 0;
        List<int> lockBytes = [], checkBytes = [], unlockBytes = [];
        foreach (var c in calls)
        {
            var bytes = Enumerable.Range((int)c.Start, (int)c.Length);
            if (!c.IsSet) { checks++; checkBytes.AddRange(bytes); }
            else if (c.Type == F_UNLCK) { unlocks++; unlockBytes.AddRange(bytes); }
            else { locks++; lockBytes.AddRange(bytes); }
        }
        return new(locks, checks, unlocks, lockBytes, checkBytes, unlockBytes);
    }
}

/// <summary>QEMU 7.2's algorithm (qemu-locking.md §2.3, §4.4): one F_OFD_SETLK per byte of the grant, one
/// F_OFD_GETLK per check byte (200+i per perm, 100+i per unshare), one F_UNLCK per byte on release.</summary>
internal static class QemuAlgorithm
{
    public static List<int> GrantBytes(int perm, int unshare) => [.. Bits(100, perm), .. Bits(200, unshare)];

    public static List<int> CheckBytes(int perm, int unshare) => [.. Bits(200, perm), .. Bits(100, unshare)];

    private static IEnumerable<int> Bits(int baseByte, int bits) =>
        Enumerable.Range(0, 4).Where(i => (bits & (1 << i)) != 0).Select(i => baseByte + i);
}
