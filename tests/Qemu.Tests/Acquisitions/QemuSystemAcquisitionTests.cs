using ImageLock.Qemu.Tests.Fixtures;
using ImageLock.Qemu.Tests.Reference;
using Xunit;

namespace ImageLock.Qemu.Tests.Acquisitions;

/// <summary>In each QEMU version, while a (paused) qemu-system-x86_64 VM holds a disk, the 9 grants behave as measured.</summary>
public sealed class QemuSystemAcquisitionTests(HolderPool pool) : IClassFixture<HolderPool>
{
    public static TheoryData<string, string, string, int> Cases => QemuVersions.Cross(ReferenceTable.AcquisitionCases(
        ("qsys q35, -drive + virtio-blk-pci", "raw"), ("qsys q35, -drive + virtio-blk-pci", "qcow2"),
        ("qsys q35, -drive readonly=on + virtio-blk-pci", "raw"),
        ("qsys q35, -drive + virtio-blk-pci,share-rw=on", "raw"),
        ("qsys -machine none, -drive if=none", "raw"),
        ("qsys q35, -drive file.locking=off + virtio-blk-pci", "raw"),
        ("qsys q35, -drive file.locking=off + virtio-blk-pci", "qcow2")));

    [QemuTheory, MemberData(nameof(Cases))]
    public void Engine_grant_against_qemu_system(string version, string config, string format, int grant) =>
        AcquisitionCheck.Run(pool.Get(config, format, version), grant);
}
