using ImageLock.Tests.Support;

namespace ImageLock.Tests;

/// <summary>QEMU's locking=on/off/auto and the explicit POSIX fallback. POSIX locks are per process, so only another
/// process (the real imagelock status) can see them.</summary>
public sealed class LockingModeTests
{
    private static ImageLease Acquire(string path, Perm perm, Unshare unshare, LockingMode mode) =>
        ImageLease.Acquire(path, perm, unshare, new ImageLockOptions { Locking = mode });

    [Fact]
    public void Off_locks_nothing_but_still_gives_access()
    {
        using var image = new TempImage(size: 8);
        using var lease = Acquire(image.Path, Perm.Read | Perm.Write, Unshare.All, LockingMode.Off);
        LeaseFacts.AssertFree(image.Path);
        Assert.Empty(ProcFd.Bytes(lease.Fd()));
        lease.Access.Write(0, [1]);
        Assert.Equal(1, File.ReadAllBytes(image.Path)[0]);
    }

    [Theory]
    [InlineData(LockingMode.Auto)]
    [InlineData(LockingMode.On)]
    public void Auto_and_on_use_ofd_locks_on_this_kernel(LockingMode mode)
    {
        using var image = new TempImage();
        using var lease = Acquire(image.Path, Perm.Read, Unshare.Write, mode);
        Assert.All(ProcFd.Locks(lease.Fd()), l => Assert.Equal("OFDLCK", l.Kind));
        LeaseFacts.AssertProbe(image.Path, Perm.Read, Unshare.Write);
    }

    [Fact]
    public void Posix_locks_are_seen_by_another_process_and_survive_a_change_that_reopens()
    {
        using var image = new TempImage();
        using var lease = Acquire(image.Path, Perm.Read, Unshare.Write, LockingMode.Posix);
        Assert.All(ProcFd.Locks(lease.Fd()), l => Assert.Equal("POSIX", l.Kind));
        AssertOtherProcessSees(image.Path, "perm=read", "unshare=write");

        // Upgrading reopens read-write and closes the old descriptor, which drops every POSIX lock of the process
        // on the file: the engine must lock again afterwards.
        lease.Change(Perm.Read | Perm.Write, Unshare.Write | Unshare.Resize);
        Assert.Equal(Native.O_RDWR, ProcFd.AccessMode(lease.Fd()));
        AssertOtherProcessSees(image.Path, "perm=read,write", "unshare=write,resize");

        lease.Dispose();
        AssertOtherProcessSees(image.Path, "perm=-", "unshare=-");
    }

    private static void AssertOtherProcessSees(string path, string perm, string unshare)
    {
        var (exit, output, err) = Imagelock.Run("status", path);
        Assert.True(exit == 0, err);
        var lines = output.Split('\n');
        Assert.Equal((perm, unshare), (lines[0], lines[1]));
    }
}
