using System.Text.Json.Nodes;
using ImageLock.Qemu.Tests.Fixtures;

namespace ImageLock.Qemu.Tests.Live;

/// <summary>A VM hot-plugging a disk the engine protects (reference: "hot-plug of a device onto an unattached -drive").</summary>
public sealed class HotplugTests
{
    [QemuTheory, MemberData(nameof(QemuVersions.Each), MemberType = typeof(QemuVersions))]
    public void Device_add_is_refused_while_the_engine_unshares_write_and_qemu_then_holds_nothing(string version)
    {
        using var dir = new TempDir();
        using var vm = QemuSystem.Start("qsys q35, -drive if=none (unattached)", "raw", dir, machine: "pc", version: version); // read / -
        var device = new JsonObject { ["driver"] = "virtio-blk-pci", ["drive"] = "d0", ["id"] = "vd0" };

        using (ImageLease.Acquire(vm.Image, Perm.Read, Unshare.Write))
        {
            var (_, error) = vm.Qmp!.TryExecute("device_add", device);
            Assert.Equal("Failed to get \"write\" lock", error);
            // Pitfall 9: the failed realize detaches the device, so QEMU drops even its byte 100.
            Assert.Empty(ProcLocks.Of(vm.Process.Pid, vm.Image));
            vm.Process.EnsureRunning();
        }

        vm.Qmp!.Execute("device_add", new JsonObject { ["driver"] = "virtio-blk-pci", ["drive"] = "d0", ["id"] = "vd1" });
        Bytes.WaitFor(vm.Image, Perm.Read | Perm.Write, Unshare.Write, vm.Process);
        Assert.False(ImageLease.TryAcquire(vm.Image, Perm.Read, Unshare.Write, out _, out var conflict));
        Assert.Equal("Failed to get shared \"write\" lock", conflict.QemuMessage);
        Assert.True(ImageLease.TryAcquire(vm.Image, Perm.Read, Unshare.None, out var reader, out _), "a plain reader is still fine");
        reader.Dispose();
    }
}
