using ImageLock.Qemu.Tests.Fixtures;

namespace ImageLock.Qemu.Tests.Live;

/// <summary>What happens when a QEMU holder goes away: a waiting acquisition gets through, and SIGKILL releases every byte.</summary>
public sealed class HolderExitTests
{
    [QemuTheory, MemberData(nameof(QemuVersions.Each), MemberType = typeof(QemuVersions))]
    public async Task AcquireAsync_with_a_wait_succeeds_after_the_qemu_holder_exits(string version)
    {
        using var dir = new TempDir();
        using var writer = QemuIo.Start("qemu-io (rw)", "qcow2", dir, version: version);
        using var hangGuard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var pending = ImageLease.AcquireAsync(writer.Image, Perm.Read | Perm.Write, Unshare.Write | Unshare.Resize,
            LockWait.Forever, hangGuard.Token).AsTask();

        await Task.Delay(300);
        Assert.False(pending.IsCompleted, "the acquisition must wait while qemu-io holds write");
        Assert.Equal(Bytes.Describe(Perm.Read | Perm.Write | Perm.Resize, Unshare.Write | Unshare.Resize),
            Bytes.Describe(ImageStatus.Probe(writer.Image)));  // waiting takes no lock: QEMU's bytes only

        writer.Process.Stop(); // EOF on stdin: qemu-io closes the image and exits
        await using var lease = await pending;
        Assert.Equal("100,101,201,203", ProcLocks.ByteList(ProcLocks.Of(Environment.ProcessId, writer.Image)));

        // And now QEMU is the one refused, by our grant.
        var r = QemuCommand.RunIn(version, "qemu-io", "-f", "qcow2", "-c", "write 0 4k", writer.Image);
        Assert.Equal("qemu-io: can't open device <dir>/io.qcow2: Failed to get \"write\" lock ⏎ Is another process using the image [<dir>/io.qcow2]?",
            r.ReferenceMessage(dir.Path));
    }

    [QemuTheory, MemberData(nameof(QemuVersions.Each), MemberType = typeof(QemuVersions))]
    public async Task AcquireAsync_times_out_with_qemus_message_while_the_holder_stays(string version)
    {
        using var dir = new TempDir();
        using var vm = QemuSystem.Start("qsys q35, -drive + virtio-blk-pci", "raw", dir, version: version);
        var e = await Assert.ThrowsAsync<ImageLockConflictException>(async () =>
            await ImageLease.AcquireAsync(vm.Image, Perm.Read, Unshare.Write,
                new ImageLockOptions { Wait = new LockWait(TimeSpan.FromMilliseconds(400)), HolderScanBudget = Timeout.InfiniteTimeSpan }));
        Assert.Equal("Failed to get shared \"write\" lock", e.QemuMessage);
        Assert.Contains(e.Holders, h => h.Pid == vm.Process.Pid && h.Command!.Contains("qemu-system-x86_64", StringComparison.Ordinal));
        Assert.Empty(ProcLocks.Of(Environment.ProcessId, vm.Image));
    }

    public static TheoryData<string, string, string> Holders => QemuVersions.Cross(new TheoryData<string, string>
    {
        { "qsys q35, -drive + virtio-blk-pci", "qcow2" },
        { "qemu-io (rw)", "qcow2" },
        { "qemu-nbd (rw) foreground", "raw" },
        { "qsd rw + NBD export writable=on", "raw" },
    });

    [QemuTheory, MemberData(nameof(Holders))]
    public void Sigkill_of_a_qemu_holder_releases_every_byte(string version, string config, string format)
    {
        using var dir = new TempDir();
        using var holder = HolderPool.Start(config, format, dir, version);
        var before = Assert.Throws<ImageLockConflictException>(() => ImageLease.Acquire(holder.Image, Perm.Read | Perm.Write | Perm.Resize,
            Unshare.All, new ImageLockOptions { HolderScanBudget = Timeout.InfiniteTimeSpan }));
        Assert.True(before.Holders.Any(h => h.Pid == holder.Process.Pid), before.Message);

        holder.Process.KillHard(); // SIGKILL: QEMU cannot unlock anything itself
        Assert.True(ImageStatus.Probe(holder.Image).IsFree, "the kernel drops OFD locks when the last descriptor closes");
        using var lease = ImageLease.Acquire(holder.Image, Perm.Read | Perm.Write | Perm.Resize, Unshare.All);
        Assert.Equal("100,101,103,200,201,202,203", ProcLocks.ByteList(ProcLocks.Of(Environment.ProcessId, holder.Image)));
    }
}
