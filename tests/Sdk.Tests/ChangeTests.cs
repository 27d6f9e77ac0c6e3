using ImageLock.Tests.Support;

namespace ImageLock.Tests;

/// <summary>lease.Change: QEMU's prepare/commit/abort on a live lease.</summary>
public sealed class ChangeTests
{
    [Fact]
    public void Upgrade_to_write_reopens_read_write_and_moves_the_locks()
    {
        using var image = new TempImage();
        using var lease = ImageLease.Acquire(image.Path, Perm.Read);
        int oldFd = lease.Fd();
        Assert.Equal(Native.O_RDONLY, ProcFd.AccessMode(oldFd));

        lease.Change(Perm.Read | Perm.Write, Unshare.Resize);

        int newFd = lease.Fd();
        Assert.Equal(Native.O_RDWR, ProcFd.AccessMode(newFd));
        Assert.True(ProcFd.IsCloseOnExec(newFd));
        Assert.Equal([newFd], ProcFd.On(image.Path)); // the old descriptor is closed
        Assert.Equal("{100,101,203}", ProcFd.Show(ProcFd.Bytes(newFd)));
        LeaseFacts.AssertProbe(image.Path, Perm.Read | Perm.Write, Unshare.Resize);
        Assert.Equal((Perm.Read | Perm.Write, Unshare.Resize), (lease.Perm, lease.Unshare));
        lease.Access.Write(0, [42]); // the new descriptor really writes
        Assert.Equal(42, File.ReadAllBytes(image.Path)[0]);
    }

    [Fact]
    public void Downgrade_to_read_reopens_read_only_and_drops_the_surplus()
    {
        using var image = new TempImage();
        using var lease = ImageLease.Acquire(image.Path, Perm.Read | Perm.Write | Perm.Resize, Unshare.Write | Unshare.Resize);
        lease.Change(Perm.Read, Unshare.Write);
        Assert.Equal(Native.O_RDONLY, ProcFd.AccessMode(lease.Fd()));
        Assert.Equal([lease.Fd()], ProcFd.On(image.Path));
        Assert.Equal("{100,201}", ProcFd.Show(ProcFd.Bytes(lease.Fd())));
        LeaseFacts.AssertProbe(image.Path, Perm.Read, Unshare.Write);
        Assert.Throws<ImageAccessDeniedException>(() => lease.Access.Write(0, [1]));
    }

    [Fact]
    public void Change_without_new_access_mode_keeps_the_descriptor()
    {
        using var image = new TempImage();
        using var lease = ImageLease.Acquire(image.Path, Perm.Read | Perm.Write);
        int fd = lease.Fd();
        lease.Change(Perm.Read | Perm.Resize, Unshare.Read | Unshare.WriteUnchanged);
        Assert.Equal(fd, lease.Fd());
        Assert.Equal("{100,103,200,202}", ProcFd.Show(ProcFd.Bytes(fd)));
    }

    [Fact]
    public void Conflicting_change_throws_and_keeps_exactly_the_old_bytes()
    {
        using var image = new TempImage();
        using var other = ImageLease.Acquire(image.Path, Perm.Read, Unshare.Write);
        using var lease = ImageLease.Acquire(image.Path, Perm.Read, Unshare.Resize);
        int fd = lease.Fd();

        // Needs a new descriptor (write) and conflicts on 201: the new descriptor must be closed again.
        var e = Assert.Throws<ImageLockConflictException>(() => lease.Change(Perm.Read | Perm.Write, Unshare.Resize));
        Assert.StartsWith("Failed to get \"write\" lock\n", e.Message);
        AssertUnchanged();

        // Same descriptor, loop 2 conflict: we would forbid read, which the other lease uses.
        e = Assert.Throws<ImageLockConflictException>(() => lease.Change(Perm.Read, Unshare.Read | Unshare.Resize));
        Assert.StartsWith("Failed to get shared \"consistent read\" lock\n", e.Message);
        AssertUnchanged();

        void AssertUnchanged()
        {
            Assert.Equal(fd, lease.Fd());
            Assert.Equal((Perm.Read, Unshare.Resize), (lease.Perm, lease.Unshare));
            Assert.Equal("{100,203}", ProcFd.Show(ProcFd.Bytes(fd)));
            Assert.Equal("{100,201}", ProcFd.Show(ProcFd.Bytes(other.Fd())));
            Assert.Equal(new[] { fd, other.Fd() }.Order(), ProcFd.On(image.Path).Order());
        }
    }

    /// <summary>A relaxing change is not checked (QEMU's PREPARE returns early). Observable when someone published a
    /// conflicting byte without checking, as a racing acquirer does for a moment: relaxing still succeeds, while a
    /// change that adds anything is checked and fails.</summary>
    [Fact]
    public void Relaxing_needs_no_check()
    {
        using var image = new TempImage();
        using var lease = ImageLease.Acquire(image.Path, Perm.Read | Perm.Write, Unshare.Resize);
        int racer = Native.Open(image.Path, Native.O_RDONLY);
        try
        {
            Assert.Equal(0, Native.OfdSetLock(racer, Native.F_RDLCK, 201)); // unshare write, published unchecked
            Assert.Throws<ImageLockConflictException>(() => lease.Change(Perm.Read | Perm.Write, Unshare.Resize | Unshare.WriteUnchanged));
            Assert.Equal("{100,101,203}", ProcFd.Show(ProcFd.Bytes(lease.Fd())));

            lease.Change(Perm.Read | Perm.Write, Unshare.None); // relaxes: no check, so 201 does not matter
            Assert.Equal("{100,101}", ProcFd.Show(ProcFd.Bytes(lease.Fd())));
        }
        finally
        {
            Native.Close(racer);
        }
    }

    /// <summary>Before and after every change the lease holds exactly its grant; a probe from outside agrees.</summary>
    [Fact]
    public void Random_changes_always_end_in_exactly_the_new_grant()
    {
        using var image = new TempImage();
        var random = new Random(42);
        using var lease = ImageLease.Acquire(image.Path, Perm.None);
        for (int n = 0; n < 100; n++)
        {
            var (p, u) = ((Perm)random.Next(16), (Unshare)random.Next(16));
            lease.Change(p, u);
            Assert.Equal(ProcFd.Show(ProcFd.Expected(p, u)), ProcFd.Show(ProcFd.Bytes(lease.Fd())));
            Assert.Equal(ImageLease.NeedsReadWrite(p) ? Native.O_RDWR : Native.O_RDONLY, ProcFd.AccessMode(lease.Fd()));
            Assert.Single(ProcFd.On(image.Path));
            LeaseFacts.AssertProbe(image.Path, p, u);
        }
    }

    [Fact]
    public void Change_after_release_throws_ObjectDisposed()
    {
        using var image = new TempImage();
        var lease = ImageLease.Acquire(image.Path, Perm.Read);
        lease.Dispose();
        Assert.Throws<ObjectDisposedException>(() => lease.Change(Perm.Read | Perm.Write, Unshare.None));
        LeaseFacts.AssertFree(image.Path);
    }
}
