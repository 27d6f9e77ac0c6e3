using ImageLock.Qemu.Tests.Fixtures;
using ImageLock.Qemu.Tests.Reference;

namespace ImageLock.Qemu.Tests.Roles;

/// <summary>
/// ImageGraphLease against QEMU's measured overlay + backing file: given the user's grant (qemu-io: read,write; a guest
/// disk: read,write and unshare write), on both files the same bytes, descriptors and access modes as QEMU.
/// </summary>
public sealed class ChainBytesTests
{
    public static TheoryData<string, string, string> Chains => QemuVersions.Cross(new TheoryData<string, string>
    {
        // qcow2 backing: every QEMU opener holds read / write,resize on it.
        { "overlay: qemu-io (rw)", "qcow2" },
        { "overlay: qsys -drive + virtio-blk-pci", "qcow2" },
        // raw backing under a VM device (no share-rw): read / write,resize. (qemu-io rw holds only read / - on a raw
        // backing file, and so does the graph lease for qemu-io's grant: see Graph/GraphBytesTests.)
        { "overlay: qsys -drive + virtio-blk-pci", "raw" },
    });

    [QemuTheory, MemberData(nameof(Chains))]
    public void Chain_lease_publishes_what_QEMU_publishes_on_overlay_and_backing(string version, string config, string baseFormat)
    {
        using var dir = new TempDir();
        var backing = dir.CreateImage($"base.{baseFormat}", baseFormat);
        var overlay = dir.File("overlay.qcow2");
        QemuCommand.Run("qemu-img", "create", "-q", "-f", "qcow2", "-b", backing, "-F", baseFormat, overlay).EnsureSuccess();
        var overlayGrant = ReferenceTable.BytesHeld(config, baseFormat, "overlay", version);
        var backingGrant = ReferenceTable.BytesHeld(config, baseFormat, "base", version);

        using var holder = config == "overlay: qemu-io (rw)"
            ? QemuIo.Start("qemu-io (rw)", "qcow2", dir, overlay, version)
            : QemuSystem.Start("qsys q35, -drive + virtio-blk-pci", "qcow2", dir, overlay, version: version);
        Bytes.WaitFor(backing, backingGrant.Perm, backingGrant.Unshare, holder.Process);
        var qemuOverlay = RoleBytes.Capture(overlay, holder.Process.Pid);
        var qemuBacking = RoleBytes.Capture(backing, holder.Process.Pid);
        holder.Process.Stop(); // the holder (and the dir) is disposed at the end of the test
        Bytes.WaitFree(overlay);
        Bytes.WaitFree(backing);

        RoleBytes engineOverlay, engineBacking;
        var user = config == "overlay: qemu-io (rw)" ? Unshare.None : Unshare.Write;   // a guest disk shares no writer
        using (var graph = ImageGraphLease.Acquire(overlay, ImageFormat.Qcow2, Perm.Read | Perm.Write, user))
        {
            Assert.Equal(2, graph.Files.Count);
            engineOverlay = RoleBytes.Capture(overlay, Environment.ProcessId);
            engineBacking = RoleBytes.Capture(backing, Environment.ProcessId);
        }

        Assert.Equal(Bytes.Describe(overlayGrant.Perm, overlayGrant.Unshare), qemuOverlay.Probe);
        Assert.Equal(Bytes.Describe(backingGrant.Perm, backingGrant.Unshare), qemuBacking.Probe);
        RoleBytes.AssertSame(qemuOverlay, engineOverlay, $"[QEMU {version}] {config}: overlay");
        RoleBytes.AssertSame(qemuBacking, engineBacking, $"[QEMU {version}] {config}: backing {baseFormat}");
        Assert.True(ImageStatus.Probe(overlay).IsFree && ImageStatus.Probe(backing).IsFree, "the graph released every byte");
    }

    [QemuTheory, MemberData(nameof(QemuVersions.Each), MemberType = typeof(QemuVersions))]
    public void Chain_lease_refuses_a_backing_file_a_VM_writes_and_holds_nothing_afterwards(string version)
    {
        using var dir = new TempDir();
        var backing = dir.CreateImage("base.qcow2", "qcow2");
        var overlay = dir.File("overlay.qcow2");
        QemuCommand.Run("qemu-img", "create", "-q", "-f", "qcow2", "-b", backing, "-F", "qcow2", overlay).EnsureSuccess();
        // A VM uses the *base* directly, read-write: our chain's backing grant (unshare write) must be refused.
        using var vm = QemuSystem.Start("qsys q35, -drive + virtio-blk-pci", "qcow2", dir, backing, version: version);

        var e = Assert.Throws<ImageLockConflictException>(() => ImageGraphLease.Acquire(overlay, ImageFormat.Qcow2, Perm.Read, Unshare.Write | Unshare.Resize));
        Assert.Equal("Failed to get shared \"write\" lock", e.QemuMessage);
        Assert.Equal(backing, e.ImagePath);
        // Named within the default 50 ms scan budget, or the refusal says the budget ran out (a loaded machine).
        Assert.True(e.Holders.Any(h => h.Pid == vm.Process.Pid) || !e.HoldersComplete, e.Message);
        Assert.Contains(ImageStatus.Probe(backing).Holders, h => h.Pid == vm.Process.Pid);
        Assert.True(ImageStatus.Probe(overlay).IsFree, "the overlay lease was rolled back");
        Assert.Empty(ProcLocks.Of(Environment.ProcessId, backing));
    }
}
