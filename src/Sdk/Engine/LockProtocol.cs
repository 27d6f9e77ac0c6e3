using ImageLock.Interop;

namespace ImageLock.Engine;

/// <summary>
/// The protocol steps of QEMU's block/file-posix.c, one function each, to be audited against QEMU's source and
/// docs/protocol.md: <see cref="Apply"/> is raw_apply_lock_bytes, <see cref="Check"/> is
/// raw_check_lock_bytes, <see cref="Prepare"/> is raw_handle_perm_lock(PREPARE) falling through to ABORT.
/// Only read locks, never blocking, never bytes 104/204.
/// </summary>
/// <remarks>
/// QEMU makes one fcntl call per byte. We make one per run of adjacent bytes (100-101 in one call), which no other
/// process can tell apart: a range lock is all-or-nothing, and a range test that finds a conflict is redone byte by
/// byte so the reported permission is the one QEMU's loop order would name. Failures likewise fall back to single
/// bytes so the error names the exact byte and <c>held</c> stays exact.
/// </remarks>
internal static class LockProtocol
{
    public const int PermBase = 100;
    public const int SharedBase = 200;

    /// <summary>
    /// Locks the bytes of <paramref name="wanted"/> not yet in <paramref name="held"/> (perm bytes first, then unshare
    /// bytes, ascending); with <paramref name="unlock"/> also unlocks held bytes not wanted.
    /// <paramref name="held"/> is updated after every successful call, so on failure it says exactly what is held.
    /// </summary>
    public static LockFailure? Apply(int fd, LockApi api, ref LockBits held, LockBits wanted, bool unlock)
    {
        int perm = held.Perm, unshare = held.Unshare;
        try
        {
            return Update(fd, api, PermBase, ref perm, wanted.Perm, unlock)
                ?? Update(fd, api, SharedBase, ref unshare, wanted.Unshare, unlock);
        }
        finally
        {
            held = new LockBits(perm, unshare);
        }
    }

    private static LockFailure? Update(int fd, LockApi api, int baseByte, ref int held, int wanted, bool unlock)
    {
        foreach (var (first, count) in Runs(wanted & ~held))
        {
            var failure = SetRun(fd, api, LockTypes.Read, baseByte, first, count, ref held);
            if (failure is not null) return failure;
        }
        if (!unlock) return null;
        foreach (var (first, count) in Runs(held & ~wanted))
        {
            var failure = SetRun(fd, api, LockTypes.Unlock, baseByte, first, count, ref held);
            if (failure is not null) return failure;
        }
        return null;
    }

    /// <summary>Locks or unlocks bits first..first+count-1 in one call; on error, byte by byte to find the exact byte.</summary>
    private static LockFailure? SetRun(int fd, LockApi api, short type, int baseByte, int first, int count, ref int held)
    {
        int mask = ((1 << count) - 1) << first;
        if (Syscalls.SetLock(fd, api, type, baseByte + first, count) == 0)
        {
            held = type == LockTypes.Unlock ? held & ~mask : held | mask;
            return null;
        }
        for (int i = first; i < first + count; i++)
        {
            int err = Syscalls.SetLock(fd, api, type, baseByte + i);
            if (err != 0) return LockFailure.ByteFailure(baseByte + i, err);
            held = type == LockTypes.Unlock ? held & ~(1 << i) : held | (1 << i);
        }
        return null; // the range call failed transiently, the single bytes went through
    }

    /// <summary>
    /// QEMU's check, first conflict wins: loop 1, for each perm we use, does anyone else hold 200+i;
    /// loop 2, for each perm we unshare, does anyone else hold 100+i. Takes no lock.
    /// </summary>
    /// <remarks>With <c>exact: false</c> (a waiter's probe, which only needs "clear or not") a conflicting run is not
    /// retested byte by byte to name the permission.</remarks>
    public static LockFailure? Check(int fd, LockApi api, LockBits wanted, bool exact = true) =>
        TestRuns(fd, api, SharedBase, wanted.Perm, LockFailure.PermConflict, exact)
        ?? TestRuns(fd, api, PermBase, wanted.Unshare, LockFailure.SharedConflict, exact);

    private static LockFailure? TestRuns(int fd, LockApi api, int baseByte, int bits, Func<int, LockFailure> conflict, bool exact)
    {
        foreach (var (first, count) in Runs(bits))
        {
            int err = Syscalls.TestLock(fd, api, baseByte + first, count, out var probe);
            if (err == 0 && !probe.Held) continue;
            if (!exact) return err == 0 ? conflict(first) : LockFailure.TestFailure(conflict(first), err);
            for (int i = first; i < first + count; i++) // name the lowest conflicting byte, as QEMU's loop would
            {
                err = Syscalls.TestLock(fd, api, baseByte + i, 1, out probe);
                if (err != 0) return LockFailure.TestFailure(conflict(i), err);
                if (probe.Held) return conflict(i);
            }
        }
        return null;
    }

    /// <summary>Locks <paramref name="union"/>, then checks <paramref name="wanted"/>; on failure goes back to exactly
    /// the bytes held before. This is QEMU's RAW_PL_PREPARE with its fall-through to RAW_PL_ABORT.</summary>
    public static LockFailure? Prepare(int fd, LockApi api, ref LockBits held, LockBits union, LockBits wanted)
    {
        var before = held;
        var failure = Apply(fd, api, ref held, union, unlock: false) ?? Check(fd, api, wanted);
        if (failure is not null)
            Apply(fd, api, ref held, before, unlock: true); // abort: best effort, close() drops the rest
        return failure;
    }

    /// <summary>Runs of adjacent set bits among the four permission bits, ascending: 0b1011 → (0,2), (3,1).</summary>
    internal static BitRuns Runs(int bits) => new(bits);
}

/// <summary>Allocation-free enumerator over runs of adjacent set permission bits (see <see cref="LockProtocol.Runs"/>).</summary>
internal struct BitRuns(int bits)
{
    private int _next;

    public (int First, int Count) Current { get; private set; }

    public readonly BitRuns GetEnumerator() => this;

    public bool MoveNext()
    {
        while (_next < PermNames.Count && (bits & (1 << _next)) == 0) _next++;
        if (_next >= PermNames.Count) return false;
        int first = _next;
        while (_next < PermNames.Count && (bits & (1 << _next)) != 0) _next++;
        Current = (first, _next - first);
        return true;
    }
}
