using ImageLock.Interop;
using ImageLock.Tests.Support;

namespace ImageLock.Tests;

/// <summary>"Never fewer bytes than either set" during a change, observed call by call through the seam (which here only
/// records; it injects nothing). Replaying the recorded lock calls per descriptor, at every step the bytes held across
/// both descriptors cover the old set or the new one.</summary>
[Collection(SerialCollection.Name)]
public sealed class ChangeTransitionTests
{
    public static IEnumerable<object[]> Changes() =>
    [
        [Perm.Read, Unshare.None, Perm.Read | Perm.Write, Unshare.Resize],           // upgrade: new descriptor
        [Perm.Read | Perm.Write, Unshare.Write, Perm.Read, Unshare.Resize],          // downgrade: new descriptor
        [Perm.Read | Perm.Resize, Unshare.Read, Perm.Read | Perm.Write, Unshare.WriteUnchanged], // same descriptor
        [Perm.All, Unshare.All, Perm.None, Unshare.None],
    ];

    [Theory]
    [MemberData(nameof(Changes))]
    public void At_every_step_the_old_or_the_new_set_is_fully_held(Perm p0, Unshare u0, Perm p1, Unshare u1)
    {
        using var image = new TempImage();
        using var lease = ImageLease.Acquire(image.Path, p0, u0);
        int oldFd = lease.Fd();
        var calls = new List<LockCall>();
        Syscalls.InjectFault = c => { lock (calls) calls.Add(c); return 0; };
        try { lease.Change(p1, u1); }
        finally { Syscalls.InjectFault = null; }

        var oldSet = ProcFd.Expected(p0, u0);
        var newSet = ProcFd.Expected(p1, u1);
        var held = new Dictionary<int, SortedSet<long>> { [oldFd] = new(oldSet) };
        foreach (var c in calls.Where(c => c.IsSet))
        {
            var set = held.TryGetValue(c.Fd, out var s) ? s : held[c.Fd] = new();
            for (long b = c.Start; b < c.Start + c.Length; b++)
                if (c.Type == Native.F_UNLCK) set.Remove(b); else set.Add(b);
            var union = new SortedSet<long>(held.Values.SelectMany(x => x));
            Assert.True(union.IsSupersetOf(oldSet) || union.IsSupersetOf(newSet),
                $"after {c.Type}@{c.Start}+{c.Length} on fd {c.Fd} only {ProcFd.Show(union)} held");
        }
        Assert.Equal(ProcFd.Show(newSet), ProcFd.Show(held.GetValueOrDefault(lease.Fd(), [])));
        Assert.Equal(ProcFd.Show(newSet), ProcFd.Show(ProcFd.Bytes(lease.Fd())));
    }
}
