using ImageLock.Qemu.Tests.Fixtures;

namespace ImageLock.Qemu.Tests.Graph;

/// <summary>The image graph on every local filesystem the README lists, and a block device (QEMU's host_device driver
/// locks it the same way). Root only: loop devices and mounts, made by the test and removed after it.</summary>
public sealed class FilesystemAndDeviceTests
{
    private static void Img(params string[] args) => QemuCommand.Run("qemu-img", args).EnsureSuccess();

    [RootQemuTheory, InlineData("tmpfs"), InlineData("ext4"), InlineData("xfs"), InlineData("btrfs")]
    public void Graph_with_data_file_and_backing_chain(string filesystem)
    {
        using var fs = new LoopMount(filesystem);
        string bottom = fs.File("base.raw"), data = fs.File("d.raw"), mid = fs.File("mid.qcow2"), top = fs.File("top.qcow2");
        Img("create", "-q", "-f", "raw", bottom, "4M");
        Img("create", "-q", "-f", "qcow2", "-o", $"data_file={data}", "-b", bottom, "-F", "raw", mid);
        Img("create", "-q", "-f", "qcow2", "-b", "mid.qcow2", "-F", "qcow2", top);
        GraphComparison.AssertSameAsQemu(new GraphCase(top, ImageFormat.Qcow2, true, [top, mid, data, bottom], Protected: [mid, data]), fs.Path);
        GraphComparison.AssertSameAsQemu(new GraphCase(top, ImageFormat.Qcow2, false, [top, mid, data, bottom], Protected: [mid, data]), fs.Path);
    }

    [RootQemuFact]
    public void Loop_device_both_directions()
    {
        using var dir = new TempDir();
        string file = dir.CreateImage("dev.raw", "raw");
        string hash = TempDir.Sha256(file);
        using var loop = LoopDevice.Attach(file);
        GraphComparison.AssertSameAsQemu(new GraphCase(loop.Path, ImageFormat.Raw, true, [loop.Path]), dir.Path);

        // The engine forbids write: qemu-io -f raw is refused with QEMU's words.
        using (ImageGraphLease.Acquire(loop.Path, ImageFormat.Raw, Perm.Read, Unshare.Write))
        {
            var r = QemuCommand.Run("qemu-io", "-f", "raw", "-c", "write -P 0xcd 0 4k", loop.Path);
            Assert.False(r.Ok, r.Stdout);
            Assert.Contains("Failed to get \"write\" lock", r.Stderr);
            Assert.True(QemuCommand.Run("qemu-io", "-r", "-f", "raw", "-c", "quit", loop.Path).Ok);
        }
        // qemu-io writes: the engine's unshare of write is refused, naming qemu-io.
        using (var qemu = QemuProcess.Start("qemu-io", ["-f", "raw", loop.Path]))
        {
            Bytes.WaitFor(loop.Path, Perm.Read | Perm.Write, Unshare.None, qemu);
            // An unlimited holder scan budget: the default 50 ms may run out on a loaded machine, and tests never time.
            var e = Assert.Throws<ImageLockConflictException>(() => ImageGraphLease.Acquire(loop.Path, ImageFormat.Raw, Perm.Read, Unshare.Write,
                new ImageLockOptions { HolderScanBudget = Timeout.InfiniteTimeSpan }));
            Assert.Equal("Failed to get shared \"write\" lock", e.QemuMessage);
            Assert.Contains(e.Holders, h => h.Pid == qemu.Pid);
            Assert.True(ImageGraphLease.TryAcquire(loop.Path, ImageFormat.Raw, Perm.Read, Unshare.None, out var reader, out _));
            reader!.Dispose();
        }
        Assert.True(ImageStatus.Probe(loop.Path).IsFree);
        Assert.Equal(hash, TempDir.Sha256(file));
    }
}
