using ImageLock.Qemu.Tests.Fixtures;

namespace ImageLock.Qemu.Tests.Live;

/// <summary>lease.Change against real QEMU: what QEMU may do follows the lease's current grant, and a change that
/// conflicts with QEMU throws QEMU's message and leaves exactly the old bytes on the old descriptor.</summary>
public sealed class LiveChangeTests
{
    private static CommandResult QemuIoWrite(string version, string image) =>
        QemuCommand.RunIn(version, "qemu-io", "-f", "raw", "-c", "write -P 0x11 0 4k", image);

    [QemuTheory, MemberData(nameof(QemuVersions.Each), MemberType = typeof(QemuVersions))]
    public void Qemu_io_write_follows_the_lease_grant_across_changes(string version)
    {
        using var dir = new TempDir();
        var image = dir.CreateImage("live.raw", "raw");
        using var lease = ImageLease.Acquire(image, Perm.Read);
        Assert.True(QemuIoWrite(version, image).Ok, "perm=read only: a writer is allowed on raw");

        lease.Change(Perm.Read, Unshare.Write);
        Assert.Equal("100,201", ProcLocks.ByteList(ProcLocks.Of(Environment.ProcessId, image)));
        string before = TempDir.Sha256(image);
        var refused = QemuIoWrite(version, image);
        Assert.Equal(1, refused.ExitCode);
        Assert.Equal("qemu-io: can't open device <dir>/live.raw: Failed to get \"write\" lock ⏎ Is another process using the image [<dir>/live.raw]?",
            refused.ReferenceMessage(dir.Path));
        Assert.Equal(before, TempDir.Sha256(image));

        lease.Change(Perm.Read | Perm.Write, Unshare.Write | Unshare.Resize); // upgrade: new O_RDWR descriptor
        var fds = ProcLocks.Of(Environment.ProcessId, image);
        Assert.Single(fds);
        Assert.True(fds[0].ReadWrite, "a write grant runs on an O_RDWR descriptor, as QEMU reopens");
        Assert.Equal("100,101,201,203", ProcLocks.ByteList(fds));
        Assert.Equal(1, QemuCommand.RunIn(version, "qemu-img", "resize", "-f", "raw", image, "+1M").ExitCode);

        lease.Change(Perm.Read, Unshare.None); // relax: back to a read-only descriptor, only byte 100
        fds = ProcLocks.Of(Environment.ProcessId, image);
        Assert.Single(fds);
        Assert.False(fds[0].ReadWrite);
        Assert.Equal("100", ProcLocks.ByteList(fds));
        Assert.True(QemuIoWrite(version, image).Ok, "relaxed again: the writer is allowed");
    }

    [QemuTheory, MemberData(nameof(QemuVersions.Each), MemberType = typeof(QemuVersions))]
    public void Change_conflicting_with_qemu_throws_and_keeps_exactly_the_old_bytes(string version)
    {
        using var dir = new TempDir();
        using var reader = QemuIo.Start("qemu-io -r", "qcow2", dir, version: version); // QEMU holds read / write,resize
        using var lease = ImageLease.Acquire(reader.Image, Perm.Read);
        var old = ProcLocks.Of(Environment.ProcessId, reader.Image);
        Assert.Equal("100", ProcLocks.ByteList(old));

        // Upgrade to write (needs a new O_RDWR descriptor): QEMU unshares write.
        var e = Assert.Throws<ImageLockConflictException>(() => lease.Change(Perm.Read | Perm.Write, Unshare.None));
        Assert.Equal("Failed to get \"write\" lock", e.QemuMessage);
        Assert.StartsWith($"Failed to get \"write\" lock\nIs another process using the image [{reader.Image}]?", e.Message);
        AssertUnchanged(old, reader);

        // Forbid read: QEMU reads.
        e = Assert.Throws<ImageLockConflictException>(() => lease.Change(Perm.Read, Unshare.Read));
        Assert.Equal("Failed to get shared \"consistent read\" lock", e.QemuMessage);
        AssertUnchanged(old, reader);

        Assert.Equal(Perm.Read, lease.Perm);
        Assert.Equal(Unshare.None, lease.Unshare);
        var buffer = new byte[4096];
        Assert.Equal(4096, lease.Access.Read(0, buffer)); // the lease still works
    }

    private static void AssertUnchanged(IReadOnlyList<FdLocks> old, QemuHolder qemu)
    {
        var now = ProcLocks.Of(Environment.ProcessId, qemu.Image);
        Assert.Equal(old.Select(f => f.Render()), now.Select(f => f.Render())); // same fd, same mode, same bytes
        Assert.Equal(Bytes.Describe(qemu.Expected.Perm, qemu.Expected.Unshare), ProbeOthersWithoutUs(qemu));
        qemu.Process.EnsureRunning();
    }

    /// <summary>QEMU's own fdinfo bytes, as a probe would show them if we were not there.</summary>
    private static string ProbeOthersWithoutUs(QemuHolder qemu)
    {
        var bytes = ProcLocks.ByteList(ProcLocks.Of(qemu.Process.Pid, qemu.Image)).Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse);
        int perm = 0, unshare = 0;
        foreach (var b in bytes) { if (b < 200) perm |= 1 << (b - 100); else unshare |= 1 << (b - 200); }
        return Bytes.Describe((Perm)perm, (Unshare)unshare);
    }
}
