using ImageLock.Interop;
using ImageLock.Tests.Support;

namespace ImageLock.Tests;

/// <summary>Errors the kernel rarely gives, injected through the engine's seam (Syscalls.InjectFault) in front of each
/// real fcntl. The seam is process-wide, hence the serial collection and the reset in finally.</summary>
[Collection(SerialCollection.Name)]
public sealed class FaultInjectionTests
{
    private const int EINTR = 4, EINVAL = 22, ENOLCK = 37, EOPNOTSUPP = 95;

    private static T WithFault<T>(Func<LockCall, int> fault, Func<T> body)
    {
        Syscalls.InjectFault = fault;
        try { return body(); }
        finally { Syscalls.InjectFault = null; }
    }

    [Fact]
    public void Eintr_is_retried_and_the_acquisition_succeeds()
    {
        using var image = new TempImage();
        int seen = 0;
        // Every lock and test call is interrupted twice before it goes through.
        using var lease = WithFault(_ => seen++ % 3 < 2 ? EINTR : 0,
            () => ImageLease.Acquire(image.Path, Perm.Read | Perm.Write, Unshare.Write));
        Assert.True(seen >= 3 * 4 && seen % 3 == 0, $"{seen} seam calls: expected 3 per real call, at least 2 sets and 2 tests");
        Assert.Equal("{100,101,201}", ProcFd.Show(ProcFd.Bytes(lease.Fd())));
        LeaseFacts.AssertProbe(image.Path, Perm.Read | Perm.Write, Unshare.Write);
    }

    [Fact]
    public void Eintr_on_probe_is_retried()
    {
        using var image = new TempImage();
        using var lease = ImageLease.Acquire(image.Path, Perm.Read, Unshare.Resize);
        int n = 0;
        var status = WithFault(_ => n++ < 4 ? EINTR : 0, () => ImageStatus.Probe(image.Path, identifyHolders: false));
        Assert.Equal((Perm.Read, Unshare.Resize), (status.Perm, status.Unshare));
    }

    public static IEnumerable<object[]> Unsupported() =>
        from errno in new[] { ENOLCK, EINVAL, EOPNOTSUPP }
        from phase in new[] { "first-lock", "later-lock", "check" }
        select new object[] { errno, phase };

    /// <summary>The filesystem refuses locks at some step: the typed exception names the path, and whatever was
    /// locked before that step is rolled back.</summary>
    [Theory]
    [MemberData(nameof(Unsupported))]
    public void Refused_locks_give_unsupported_and_leave_nothing(int errno, string phase)
    {
        using var image = new TempImage();
        ImageStatus.Probe(image.Path, identifyHolders: false);
        var fdsBefore = NewDescriptors.Snapshot();
        Func<LockCall, int> fault = phase switch
        {
            "first-lock" => c => c.IsSet && c.Type == Native.F_RDLCK ? errno : 0,
            "later-lock" => c => IsReadLockOf(c, 201) ? errno : 0, // bytes 100, 101 are held by then
            _ => c => !c.IsSet ? errno : 0, // all bytes locked, then the check fails
        };
        var e = WithFault(fault, () => Assert.Throws<ImageLockUnsupportedException>(() =>
            ImageLease.Acquire(image.Path, Perm.Read | Perm.Write, Unshare.Write | Unshare.Resize)));
        Assert.Equal(image.Path, e.ImagePath);
        Assert.Contains(image.Path, e.Message);
        Assert.Equal(errno, e.Errno);
        Assert.Empty(NewDescriptors.Since(fdsBefore));
        Assert.Empty(ProcFd.On(image.Path));
        LeaseFacts.AssertFree(image.Path);
    }

    [Fact]
    public void Rollback_after_a_late_failure_unlocks_exactly_what_was_added()
    {
        using var image = new TempImage();
        var calls = new List<LockCall>();
        WithFault(c => { calls.Add(c); return IsReadLockOf(c, 201) ? ENOLCK : 0; },
            () => Assert.Throws<ImageLockUnsupportedException>(() => ImageLease.Acquire(image.Path, Perm.Read | Perm.Write, Unshare.Write)));
        // QEMU's order: lock 100, 101, then 201 fails; then unlock 100 and 101, and nothing else.
        var sets = calls.Where(c => c.IsSet).ToList();
        int failed = sets.FindIndex(c => IsReadLockOf(c, 201));
        Assert.Equal("{100,101}", ProcFd.Show(Bytes(sets.Take(failed).Where(c => c.Type == Native.F_RDLCK))));
        var after = sets.Skip(failed + 1).ToList();
        Assert.All(after.Where(c => !IsReadLockOf(c, 201)), c => Assert.Equal(Native.F_UNLCK, c.Type));
        Assert.Equal("{100,101}", ProcFd.Show(Bytes(after.Where(c => c.Type == Native.F_UNLCK))));
    }

    private static bool IsReadLockOf(LockCall c, long b) => c.IsSet && c.Type == Native.F_RDLCK && c.Start <= b && b < c.Start + c.Length;

    /// <summary>The bytes covered by some calls, in call order (the engine merges adjacent bytes into one call).</summary>
    private static List<long> BytesInOrder(IEnumerable<LockCall> calls) =>
        calls.SelectMany(c => Enumerable.Range(0, (int)c.Length).Select(k => c.Start + k)).ToList();

    private static SortedSet<long> Bytes(IEnumerable<LockCall> calls) => new(BytesInOrder(calls));

    [Fact]
    public void Probe_on_a_filesystem_without_locks_is_unsupported()
    {
        using var image = new TempImage();
        var e = WithFault(_ => ENOLCK, () => Assert.Throws<ImageLockUnsupportedException>(() => ImageStatus.Probe(image.Path)));
        Assert.Contains(image.Path, e.Message);
        Assert.Empty(ProcFd.On(image.Path));
    }

    /// <summary>The acquire order itself, call by call: perm bytes ascending, unshare bytes ascending, then loop 1
    /// (our perm vs 200+i) and loop 2 (our unshare vs 100+i). Only read locks, never 104/204, never a write lock.
    /// The engine may cover adjacent bytes with one call; the byte order is what counts.</summary>
    [Fact]
    public void Acquire_follows_qemus_call_order()
    {
        using var image = new TempImage();
        var calls = new List<LockCall>();
        using var lease = WithFault(c => { calls.Add(c); return 0; },
            () => ImageLease.Acquire(image.Path, Perm.Read | Perm.Resize, Unshare.Write | Unshare.WriteUnchanged));
        int firstTest = calls.FindIndex(c => !c.IsSet);
        Assert.True(firstTest > 0);
        Assert.All(calls.Take(firstTest), c => Assert.Equal(Native.F_RDLCK, c.Type));
        Assert.All(calls.Skip(firstTest), c => Assert.False(c.IsSet)); // no lock taken after checking began
        Assert.All(calls.Skip(firstTest), c => Assert.Equal(Native.F_WRLCK, c.Type)); // GETLK asks "would a write lock conflict"
        Assert.Equal([100L, 103L, 201L, 202L], BytesInOrder(calls.Take(firstTest)));
        Assert.Equal([200L, 203L, 101L, 102L], BytesInOrder(calls.Skip(firstTest))); // loop 1, then loop 2
    }
}
