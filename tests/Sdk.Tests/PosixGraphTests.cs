using ImageLock.Tests.Support;

namespace ImageLock.Tests;

/// <summary>Graph discovery (reading qcow2 headers, opening backing and data files) in a process that holds POSIX locks
/// on files of the graph: closing any descriptor of such a file would drop them all. Another process
/// (<c>imagelock status</c>) proves every byte still held.</summary>
public sealed class PosixGraphTests
{
    private static readonly ImageLockOptions Posix = new() { Locking = LockingMode.Posix };

    [Fact]
    public void Discovering_a_graph_over_a_posix_held_backing_file_keeps_its_locks()
    {
        using var image = new TempImage();
        string top = image.Sibling("top.qcow2"), mid = image.Sibling("mid.qcow2"), bottom = image.Path;
        Qcow2Writer.Create(mid, backing: Path.GetFileName(bottom), backingFormat: "raw");
        Qcow2Writer.Create(top, backing: "mid.qcow2", backingFormat: "qcow2");
        using var onMid = ImageLease.Acquire(mid, Perm.Read, Unshare.Write, Posix);
        using var onBottom = ImageLease.Acquire(bottom, Perm.Read, Unshare.Resize, Posix);

        var status = ImageGraphStatus.Probe(top, ImageFormat.Qcow2);
        Assert.Equal([top, mid, bottom], status.Files.Select(f => f.Path));
        OtherProcess.AssertSees(mid, Perm.Read, Unshare.Write);
        OtherProcess.AssertSees(bottom, Perm.Read, Unshare.Resize);

        // A graph lease over them, OFD or POSIX, is refused (another descriptor of a POSIX-held file), and drops nothing.
        foreach (var mode in new[] { LockingMode.Ofd, LockingMode.Posix })
        {
            var e = Assert.Throws<ImageLockException>(() =>
                ImageGraphLease.Acquire(top, ImageFormat.Qcow2, Perm.Read, Unshare.None, new ImageLockOptions { Locking = mode }));
            Assert.Contains("already holds POSIX locks", e.Message);
            OtherProcess.AssertSees(mid, Perm.Read, Unshare.Write);
            OtherProcess.AssertSees(bottom, Perm.Read, Unshare.Resize);
            LeaseFacts.AssertFree(top);
        }
    }

    [Fact]
    public void A_posix_graph_lease_keeps_every_file_locked_through_probes_in_its_process()
    {
        using var image = new TempImage();
        string top = image.Sibling("top.qcow2"), data = image.Sibling("data.raw"), bottom = image.Path;
        TempImage.CreateRaw(data, 1 << 20);
        Qcow2Writer.Create(top, backing: Path.GetFileName(bottom), backingFormat: "raw", dataFile: data);
        using var lease = ImageGraphLease.Acquire(top, ImageFormat.Qcow2, Perm.Read | Perm.Write, Unshare.None, Posix);
        Assert.Equal(3, lease.Files.Count);

        ImageGraphStatus.Probe(top, ImageFormat.Qcow2);
        ImageGraphStatus.Probe(top, ImageFormat.Qcow2, identifyHolders: false);
        foreach (var file in lease.Files)
        {
            ImageStatus.Probe(file.Path);
            OtherProcess.AssertSees(file.Path, file.Perm, file.Unshare);
        }
        lease.Dispose();
        foreach (var file in lease.Files) OtherProcess.AssertSees(file.Path, Perm.None, Unshare.None);
    }
}
