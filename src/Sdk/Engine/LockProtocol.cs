using ImageLock.Interop;

namespace ImageLock.Engine;

/// <summary>
/// The protocol steps of QEMU's block/file-posix.c, one function each, to be audited against
/// shared/reference/qemu-locking.md: <see cref="Apply"/> is raw_apply_lock_bytes, <see cref="Check"/> is
/// raw_check_lock_bytes. Only read locks, one byte per call, never blocking, never bytes 104/204.
/// </summary>
internal static class LockProtocol
{
    public const int PermBase = 100;
    public const int SharedBase = 200;

    /// <summary>
    /// Locks the bytes of <paramref name="wanted"/> not yet in <paramref name="held"/> (perm bytes ascending, then
    /// unshare bytes ascending); with <paramref name="unlock"/> also unlocks held bytes not wanted.
    /// <paramref name="held"/> is updated after every successful call, so on failure it says exactly what is held.
    /// </summary>
    public static LockFailure? Apply(int fd, LockApi api, ref LockBits held, LockBits wanted, bool unlock)
    {
        for (int i = 0; i < PermNames.Count; i++)
        {
            int bit = 1 << i;
            var failure = Step(fd, api, PermBase + i, (wanted.Perm & bit) != 0, (held.Perm & bit) != 0, unlock);
            if (failure is not null) return failure;
            held = held with { Perm = Toggle(held.Perm, bit, wanted.Perm, unlock) };
        }
        for (int i = 0; i < PermNames.Count; i++)
        {
            int bit = 1 << i;
            var failure = Step(fd, api, SharedBase + i, (wanted.Unshare & bit) != 0, (held.Unshare & bit) != 0, unlock);
            if (failure is not null) return failure;
            held = held with { Unshare = Toggle(held.Unshare, bit, wanted.Unshare, unlock) };
        }
        return null;
    }

    private static LockFailure? Step(int fd, LockApi api, int lockByte, bool want, bool have, bool unlock)
    {
        if (want && !have)
        {
            int err = Syscalls.SetLock(fd, api, LockTypes.Read, lockByte);
            return err == 0 ? null : LockFailure.ByteFailure(lockByte, err);
        }
        if (unlock && have && !want)
        {
            int err = Syscalls.SetLock(fd, api, LockTypes.Unlock, lockByte);
            return err == 0 ? null : LockFailure.ByteFailure(lockByte, err);
        }
        return null;
    }

    private static int Toggle(int held, int bit, int wanted, bool unlock) =>
        (wanted & bit) != 0 ? held | bit : unlock ? held & ~bit : held;

    /// <summary>
    /// QEMU's check, first conflict wins: loop 1, for each perm we use, does anyone else hold 200+i;
    /// loop 2, for each perm we unshare, does anyone else hold 100+i. Takes no lock.
    /// </summary>
    public static LockFailure? Check(int fd, LockApi api, LockBits wanted)
    {
        for (int i = 0; i < PermNames.Count; i++)
        {
            if ((wanted.Perm & (1 << i)) == 0) continue;
            var failure = Test(fd, api, SharedBase + i, LockFailure.PermConflict(i));
            if (failure is not null) return failure;
        }
        for (int i = 0; i < PermNames.Count; i++)
        {
            if ((wanted.Unshare & (1 << i)) == 0) continue;
            var failure = Test(fd, api, PermBase + i, LockFailure.SharedConflict(i));
            if (failure is not null) return failure;
        }
        return null;
    }

    private static LockFailure? Test(int fd, LockApi api, int lockByte, LockFailure conflict)
    {
        int err = Syscalls.TestLock(fd, api, lockByte, 1, out var probe);
        if (err != 0) return LockFailure.TestFailure(conflict, err);
        return probe.Held ? conflict : null;
    }

    /// <summary>Locks <paramref name="wanted"/>, then checks it; on failure goes back to exactly <paramref name="held"/>.
    /// This is QEMU's RAW_PL_PREPARE with its fall-through to RAW_PL_ABORT.</summary>
    public static LockFailure? Prepare(int fd, LockApi api, ref LockBits held, LockBits union, LockBits wanted)
    {
        var before = held;
        var failure = Apply(fd, api, ref held, union, unlock: false) ?? Check(fd, api, wanted);
        if (failure is not null)
            Apply(fd, api, ref held, before, unlock: true); // abort: best effort, close() drops the rest
        return failure;
    }
}
