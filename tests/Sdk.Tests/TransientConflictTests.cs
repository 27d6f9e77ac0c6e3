using ImageLock.Interop;
using ImageLock.Tests.Support;

namespace ImageLock.Tests;

/// <summary>A conflict whose holder is gone by the time the holders are named: nobody is named (not even the innocent
/// holders of other bytes), and the message says it was transient. The moment is made exact with the engine's fcntl
/// seam, used as a hook: the refused attempt's rollback (after the conflict is decided, before any name is read) kills
/// the holder process and waits until the kernel has dropped its lock. Serial: the seam is process-wide.</summary>
[Collection(SerialCollection.Name)]
public sealed class TransientConflictTests
{
    [Fact]
    public void A_holder_gone_before_the_names_are_read_makes_the_conflict_transient()
    {
        using var image = new TempImage();
        using var holder = Holder.Start(image.Path, "read", "write"); // bytes 100 and 201
        using var innocent = Holder.Start(image.Path, "read");        // byte 100
        int witness = Native.Open(image.Path, Native.O_RDONLY); // our own open file description, to see the holder go
        bool killed = false;
        ImageLockConflictException e;
        Syscalls.InjectFault = call =>
        {
            // Perm write is byte 101: its unlock is the rollback of the refused attempt.
            if (!killed && call.IsSet && call.Type == Native.F_UNLCK && call.Start == 101)
            {
                killed = true;
                holder.Signal(Native.SIGKILL);
                Assert.True(Poll.Until(() => !Native.OfdIsHeld(witness, 201), TimeSpan.FromMinutes(2)), "the killed holder's lock stayed"); // a hang guard
            }
            return 0;
        };
        try
        {
            e = Assert.Throws<ImageLockConflictException>(() =>
                ImageLease.Acquire(image.Path, Perm.Write, Unshare.None, LeaseFacts.NamingEveryHolder));
        }
        finally
        {
            Syscalls.InjectFault = null;
            Native.Close(witness);
        }

        Assert.True(killed, "the refusal never rolled byte 101 back");
        Assert.Equal((Perm.Write, false), (e.Permission, e.Shared));
        Assert.True(e.IsTransient, e.Message);
        Assert.True(e.HoldersComplete);
        Assert.Empty(e.Holders);
        Assert.Equal($"Failed to get \"write\" lock\nIs another process using the image [{image.Path}]?\n" +
            "Nobody holds byte 201 any more: the conflict was transient, and trying again may succeed.", e.Message);
        Assert.DoesNotContain($"pid {innocent.Pid}", e.Message);

        // As the message says: trying again succeeds, beside the innocent holder.
        using var lease = ImageLease.Acquire(image.Path, Perm.Write);
        LeaseFacts.AssertProbe(image.Path, Perm.Read | Perm.Write, Unshare.None);
    }
}
