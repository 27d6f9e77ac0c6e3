using ImageLock.Tests.Support;

namespace ImageLock.Tests;

/// <summary>An image's whole graph held with QEMU's grant per role, released together; a conflict anywhere releases
/// everything taken. (The grants themselves are measured against QEMU in Qemu.Tests/Graph.)</summary>
public sealed class GraphLeaseTests
{
    private const Perm ReadWrite = Perm.Read | Perm.Write;
    private const Unshare WriteResize = Unshare.Write | Unshare.Resize;

    /// <summary>top.qcow2 (data file data.raw) → mid.qcow2 → base.raw (recorded as raw).</summary>
    private static (string Top, string Data, string Mid, string Base) Graph(TempImage image)
    {
        string top = image.Sibling("top.qcow2"), mid = image.Sibling("mid.qcow2"), bottom = image.Sibling("base.raw"), data = image.Path;
        TempImage.CreateRaw(bottom, 1 << 20);
        Qcow2Writer.Create(mid, backing: "base.raw", backingFormat: "raw");
        Qcow2Writer.Create(top, backing: "mid.qcow2", backingFormat: "qcow2", dataFile: data);
        return (top, data, mid, bottom);
    }

    [Fact]
    public async Task Read_write_user_like_qemu_io_gets_QEMUs_grant_on_every_file()
    {
        using var image = new TempImage();
        var (top, data, mid, bottom) = Graph(image);
        using (var lease = ImageGraphLease.Acquire(top, ImageFormat.Qcow2, ReadWrite))
        {
            LeaseFacts.AssertProbe(top, ReadWrite | Perm.Resize, WriteResize);
            LeaseFacts.AssertProbe(data, ReadWrite | Perm.Resize, Unshare.Resize);
            LeaseFacts.AssertProbe(mid, Perm.Read, WriteResize);
            LeaseFacts.AssertProbe(bottom, Perm.Read, Unshare.None);   // qemu-io shares write, so a raw base is not protected
            Assert.Equal([ImageRole.Image, ImageRole.DataFile, ImageRole.Backing, ImageRole.Backing], lease.Files.Select(f => f.Role));
            Assert.Equal([Native.O_RDWR, Native.O_RDWR, Native.O_RDONLY, Native.O_RDONLY], lease.Leases.Select(l => ProcFd.AccessMode(l.Fd())));
            Assert.Equal(lease.Leases.Select(l => l.Fd()), lease.Descriptors);
            Assert.Same(lease.Top.Access, lease.Access);
        }
        foreach (var f in new[] { top, data, mid, bottom })
        {
            LeaseFacts.AssertFree(f);
            Assert.Empty(ProcFd.On(f));
        }
        await using (var lease = await ImageGraphLease.AcquireAsync(top, ImageFormat.Qcow2, Perm.Read))
        {
            LeaseFacts.AssertProbe(top, Perm.Read, WriteResize);
            LeaseFacts.AssertProbe(data, Perm.Read, Unshare.Resize);
            Assert.All(lease.Leases, l => Assert.Equal(Native.O_RDONLY, ProcFd.AccessMode(l.Fd())));
        }
        LeaseFacts.AssertFree(data);
    }

    [Fact]
    public void Guest_like_user_that_forbids_write_protects_a_raw_base_too()
    {
        using var image = new TempImage();
        var (top, data, mid, bottom) = Graph(image);
        using var lease = ImageGraphLease.Acquire(top, ImageFormat.Qcow2, ReadWrite, Unshare.Write);
        LeaseFacts.AssertProbe(data, ReadWrite | Perm.Resize, WriteResize);
        LeaseFacts.AssertProbe(bottom, Perm.Read, WriteResize);
    }

    [Fact]
    public void Conflict_on_a_backing_file_releases_what_was_taken()
    {
        using var image = new TempImage();
        var (top, data, mid, bottom) = Graph(image);
        using var writer = ImageLease.Acquire(mid, ReadWrite);
        var e = Assert.Throws<ImageLockConflictException>(() => ImageGraphLease.Acquire(top, ImageFormat.Qcow2, ReadWrite, Unshare.Write));
        Assert.Equal(mid, e.ImagePath);
        Assert.StartsWith("Failed to get shared \"write\" lock", e.Message);
        foreach (var f in new[] { top, data, bottom })
        {
            LeaseFacts.AssertFree(f);
            Assert.Empty(ProcFd.On(f));
        }
        Assert.Equal([writer.Fd()], ProcFd.On(mid));
    }

    [Fact]
    public async Task Async_conflict_on_the_data_file_releases_what_was_taken()
    {
        using var image = new TempImage();
        var (top, data, mid, bottom) = Graph(image);
        using var resizer = ImageLease.Acquire(data, Perm.Resize);
        await Assert.ThrowsAsync<ImageLockConflictException>(async () => await ImageGraphLease.AcquireAsync(top, ImageFormat.Qcow2, Perm.Read));
        foreach (var f in new[] { top, mid, bottom })
        {
            LeaseFacts.AssertFree(f);
            Assert.Empty(ProcFd.On(f));
        }
    }

    [Fact]
    public void Raw_image_is_one_file_with_the_callers_grant()
    {
        using var image = new TempImage();
        using var lease = ImageGraphLease.Acquire(image.Path, ImageFormat.Raw, Perm.Read | Perm.WriteUnchanged, Unshare.Resize);
        LeaseFacts.AssertProbe(image.Path, Perm.Read | Perm.WriteUnchanged, Unshare.Resize);
        Assert.Single(lease.Files);
        Assert.Empty(lease.Notes);
    }

    [Fact]
    public void Posix_mode_keeps_every_lock_because_each_file_is_opened_once()
    {
        using var image = new TempImage();
        var (top, data, mid, bottom) = Graph(image);
        using var lease = ImageGraphLease.Acquire(top, ImageFormat.Qcow2, ReadWrite, Unshare.None,
            new ImageLockOptions { Locking = LockingMode.Posix });
        foreach (var (file, l) in lease.Files.Zip(lease.Leases))
        {
            Assert.Equal([l.Fd()], ProcFd.On(file.Path));
            Assert.Equal(ProcFd.Expected(file.Perm, file.Unshare), ProcFd.Bytes(l.Fd()));
        }
    }
    [Fact]
    public void Posix_locks_survive_a_graph_probe_and_a_refused_second_graph_in_the_same_process()
    {
        using var image = new TempImage();
        var (top, data, mid, bottom) = Graph(image);
        var posix = new ImageLockOptions { Locking = LockingMode.Posix };
        using var lease = ImageGraphLease.Acquire(top, ImageFormat.Qcow2, ReadWrite, Unshare.None, posix);

        // Each path would open and close another descriptor of a held file, which drops every POSIX lock on it.
        var status = ImageGraphStatus.Probe(top, ImageFormat.Qcow2, identifyHolders: false);
        Assert.Equal(4, status.Files.Count);
        ImageStatus.Probe(bottom);
        AssertHeld();
        string other = image.Sibling("other.qcow2");
        Qcow2Writer.Create(other, backing: "mid.qcow2", backingFormat: "qcow2");
        var e = Assert.Throws<ImageLockException>(() => ImageGraphLease.Acquire(other, ImageFormat.Qcow2, Perm.Read, Unshare.None, posix));
        Assert.Contains("already holds POSIX locks", e.Message);
        LeaseFacts.AssertFree(other);
        AssertHeld();

        void AssertHeld()
        {
            foreach (var (file, l) in lease.Files.Zip(lease.Leases))
                Assert.Equal(ProcFd.Expected(file.Perm, file.Unshare), ProcFd.Bytes(l.Fd()));
        }
    }
}
