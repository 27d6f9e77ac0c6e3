using ImageLock.Tests.Support;

namespace ImageLock.Tests;

/// <summary>
/// POSIX locks belong to the process, and closing any descriptor of the file drops all of them. So every engine path
/// that could open (and close) the image again in the holding process is run here beside a POSIX lease, and a second
/// process (the real <c>imagelock status</c>, which tests the bytes with F_OFD_GETLK) proves every byte still held.
/// </summary>
public sealed class PosixPathTests
{
    private static readonly ImageLockOptions Posix = new() { Locking = LockingMode.Posix, HolderScanBudget = Timeout.InfiniteTimeSpan };

    [Fact]
    public void Status_probes_in_the_holding_process_keep_every_lock()
    {
        using var image = new TempImage();
        using var lease = ImageLease.Acquire(image.Path, Perm.Read | Perm.Write, Unshare.Resize, Posix);
        OtherProcess.AssertSees(image.Path, "perm=read,write", "unshare=resize");

        var named = ImageStatus.Probe(image.Path);
        var bytesOnly = ImageStatus.Probe(image.Path, identifyHolders: false);
        var batch = ImageStatus.IdentifyHolders([bytesOnly, ImageStatus.Probe(image.Path, identifyHolders: false)]);
        // F_OFD_GETLK sees the POSIX locks of its own process too: the probe reports this lease, named as the holder.
        Assert.All(new[] { named, bytesOnly, batch[0], batch[1] }, s => Assert.Equal((Perm.Read | Perm.Write, Unshare.Resize), (s.Perm, s.Unshare)));
        Assert.All(new[] { named, batch[0], batch[1] }, s =>
            Assert.Equal((Environment.ProcessId, (int?)lease.Fd(), "POSIX"), (Assert.Single(s.Holders).Pid, s.Holders[0].Fd, s.Holders[0].Kind)));
        OtherProcess.AssertSees(image.Path, "perm=read,write", "unshare=resize");
        Assert.Equal([lease.Fd()], ProcFd.On(image.Path)); // no second descriptor was opened, or one is kept open
    }

    [Fact]
    public void A_refused_change_names_the_holders_and_keeps_every_lock()
    {
        using var image = new TempImage();
        using var holder = Holder.Start(image.Path, "-", "write"); // byte 201 only
        using var lease = ImageLease.Acquire(image.Path, Perm.Read, Unshare.Resize, Posix);
        OtherProcess.AssertSees(image.Path, "perm=read", "unshare=write,resize");

        // Same access mode (the holder scan runs on the lease's descriptor), then read-write (a second descriptor).
        foreach (var perm in new[] { Perm.Read | Perm.Write, Perm.Read | Perm.Write | Perm.Resize })
        {
            var e = Assert.Throws<ImageLockConflictException>(() => lease.Change(perm, Unshare.Resize));
            Assert.Equal(holder.Pid, Assert.Single(e.Holders).Pid);
            OtherProcess.AssertSees(image.Path, "perm=read", "unshare=write,resize");
        }
    }

    [Fact]
    public void A_refused_conflict_on_another_image_keeps_every_lock()
    {
        using var image = new TempImage();
        string other = image.Sibling("other.raw");
        TempImage.CreateRaw(other, 1 << 20);
        using var holder = Holder.Start(other, "-", "write");
        using var lease = ImageLease.Acquire(image.Path, Perm.Read, Unshare.Write, Posix);

        // The holder scan of the other image reads this process's descriptors in /proc too.
        var e = Assert.Throws<ImageLockConflictException>(() => ImageLease.Acquire(other, Perm.Write, Unshare.None, Posix));
        Assert.Equal(holder.Pid, Assert.Single(e.Holders).Pid);
        OtherProcess.AssertSees(image.Path, "perm=read", "unshare=write");
    }

    [Theory]
    [InlineData(LockingMode.Posix)]
    [InlineData(LockingMode.Ofd)]
    public void A_second_acquisition_of_the_held_image_is_refused_and_keeps_every_lock(LockingMode mode)
    {
        using var image = new TempImage();
        using var lease = ImageLease.Acquire(image.Path, Perm.Read, Unshare.Write, Posix);
        var e = Assert.Throws<ImageLockException>(() =>
            ImageLease.Acquire(image.Path, Perm.Read, Unshare.None, new ImageLockOptions { Locking = mode }));
        Assert.Contains("already holds POSIX locks", e.Message);
        OtherProcess.AssertSees(image.Path, "perm=read", "unshare=write");
    }

    [Fact]
    public void Changes_that_reopen_and_reuse_descriptors_keep_every_lock()
    {
        using var image = new TempImage();
        using var lease = ImageLease.Acquire(image.Path, Perm.Read, Unshare.Write, Posix);
        // read-only → read-write (a new descriptor) → read-only (the kept one) → read-write again, then relax and tighten.
        (Perm, Unshare, string, string)[] steps =
        [
            (Perm.Read | Perm.Write, Unshare.Write | Unshare.Resize, "perm=read,write", "unshare=write,resize"),
            (Perm.Read, Unshare.Write, "perm=read", "unshare=write"),
            (Perm.Read | Perm.Resize, Unshare.None, "perm=read,resize", "unshare=-"),
            (Perm.Read, Unshare.None, "perm=read", "unshare=-"),
            (Perm.All, Unshare.All, "perm=read,write,write-unchanged,resize", "unshare=read,write,write-unchanged,resize"),
        ];
        foreach (var (perm, unshare, permLine, unshareLine) in steps)
        {
            lease.Change(perm, unshare);
            OtherProcess.AssertSees(image.Path, permLine, unshareLine);
        }
        Span<byte> one = stackalloc byte[1];
        lease.Access.Read(0, one); // I/O on the lease's descriptor opens nothing either
        OtherProcess.AssertSees(image.Path, "perm=read,write,write-unchanged,resize", "unshare=read,write,write-unchanged,resize");
        lease.Dispose();
        OtherProcess.AssertSees(image.Path, "perm=-", "unshare=-");
        Assert.Empty(ProcFd.On(image.Path));
    }
}
