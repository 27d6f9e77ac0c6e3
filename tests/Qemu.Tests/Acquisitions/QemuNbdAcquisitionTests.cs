using ImageLock.Qemu.Tests.Fixtures;
using ImageLock.Qemu.Tests.Reference;
using Xunit;

namespace ImageLock.Qemu.Tests.Acquisitions;

/// <summary>In each QEMU version, while qemu-nbd (foreground, our PID) exports an image, the 9 grants behave as measured.</summary>
public sealed class QemuNbdAcquisitionTests(HolderPool pool) : IClassFixture<HolderPool>
{
    public static TheoryData<string, string, string, int> Cases => QemuVersions.Cross(ReferenceTable.AcquisitionCases(
        ("qemu-nbd (rw) foreground", "raw"), ("qemu-nbd (rw) foreground", "qcow2"),
        ("qemu-nbd -r --fork", "raw"), ("qemu-nbd -r --fork", "qcow2"),
        ("qemu-nbd -r --image-opts force-share=on", "qcow2")));

    [QemuTheory, MemberData(nameof(Cases))]
    public void Engine_grant_against_qemu_nbd(string version, string config, string format, int grant) =>
        AcquisitionCheck.Run(pool.Get(config, format, version), grant);
}
