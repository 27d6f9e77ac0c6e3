using ImageLock.Qemu.Tests.Fixtures;
using ImageLock.Qemu.Tests.Reference;
using Xunit;

namespace ImageLock.Qemu.Tests.Acquisitions;

/// <summary>In each QEMU version, while qemu-io holds a raw or qcow2 image, the engine's 9 external grants succeed or fail as measured.</summary>
public sealed class QemuIoAcquisitionTests(HolderPool pool) : IClassFixture<HolderPool>
{
    public static TheoryData<string, string, string, int> Cases => QemuVersions.Cross(ReferenceTable.AcquisitionCases(
        ("qemu-io (rw)", "raw"), ("qemu-io (rw)", "qcow2"),
        ("qemu-io -r", "raw"), ("qemu-io -r", "qcow2"),
        ("qemu-io -r -U", "raw"), ("qemu-io -r -U", "qcow2")));

    [QemuTheory, MemberData(nameof(Cases))]
    public void Engine_grant_against_qemu_io(string version, string config, string format, int grant) =>
        AcquisitionCheck.Run(pool.Get(config, format, version), grant);
}
