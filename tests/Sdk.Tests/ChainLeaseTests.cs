using ImageLock.Tests.Support;

namespace ImageLock.Tests;

/// <summary>Leasing a whole chain as QEMU holds it, released together; a conflict releases what was taken.</summary>
public sealed class ChainLeaseTests
{
    private static (string Top, string Mid, string Base) Chain(TempImage image)
    {
        string a = image.Sibling("a.qcow2"), b = image.Sibling("b.qcow2"), c = image.Sibling("c.qcow2");
        Qcow2Writer.Create(a);
        Qcow2Writer.Create(b, backing: "a.qcow2");
        Qcow2Writer.Create(c, backing: "b.qcow2");
        return (c, b, a);
    }

    [Fact]
    public async Task Top_gets_the_grant_and_backing_files_read_unshare_write_resize()
    {
        using var image = new TempImage();
        var (top, mid, bottom) = Chain(image);
        using (var chain = ImageChainLease.Acquire(top, Perm.Read | Perm.Write | Perm.Resize, Unshare.Write | Unshare.Resize))
        {
            LeaseFacts.AssertProbe(top, Perm.Read | Perm.Write | Perm.Resize, Unshare.Write | Unshare.Resize);
            LeaseFacts.AssertProbe(mid, Perm.Read, Unshare.Write | Unshare.Resize);
            LeaseFacts.AssertProbe(bottom, Perm.Read, Unshare.Write | Unshare.Resize);
            Assert.Equal(2, chain.Backing.Count);
            Assert.Equal(Native.O_RDONLY, ProcFd.AccessMode(chain.Backing[0].Fd()));
            Assert.Same(chain.Top.Access, chain.Access);
        }
        foreach (var f in new[] { top, mid, bottom })
        {
            LeaseFacts.AssertFree(f);
            Assert.Empty(ProcFd.On(f));
        }
        await using (var chain = await ImageChainLease.AcquireAsync(top, Perm.Read))
            LeaseFacts.AssertProbe(bottom, Perm.Read, Unshare.Write | Unshare.Resize);
        LeaseFacts.AssertFree(bottom);
    }

    [Fact]
    public void Conflict_on_a_backing_file_releases_what_was_taken()
    {
        using var image = new TempImage();
        var (top, mid, bottom) = Chain(image);
        using var writer = ImageLease.Acquire(bottom, Perm.Read | Perm.Write);
        var e = Assert.Throws<ImageLockConflictException>(() => ImageChainLease.Acquire(top, Perm.Read | Perm.Write, Unshare.Write));
        Assert.Equal(bottom, Path.GetFullPath(e.ImagePath));
        Assert.StartsWith("Failed to get shared \"write\" lock", e.Message);
        LeaseFacts.AssertFree(top);
        LeaseFacts.AssertFree(mid);
        Assert.Empty(ProcFd.On(top));
        Assert.Empty(ProcFd.On(mid));
        Assert.Equal([writer.Fd()], ProcFd.On(bottom));
    }

    [Fact]
    public async Task Async_conflict_on_a_backing_file_releases_what_was_taken()
    {
        using var image = new TempImage();
        var (top, mid, bottom) = Chain(image);
        using var writer = ImageLease.Acquire(mid, Perm.Resize);
        await Assert.ThrowsAsync<ImageLockConflictException>(async () => await ImageChainLease.AcquireAsync(top, Perm.Read));
        LeaseFacts.AssertFree(top);
        LeaseFacts.AssertFree(bottom);
        Assert.Empty(ProcFd.On(top));
    }
}
