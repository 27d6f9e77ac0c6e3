using ImageLock.Qemu.Tests.Fixtures;
using ImageLock.Qemu.Tests.Reference;
using Xunit;

namespace ImageLock.Qemu.Tests.Acquisitions;

/// <summary>In each QEMU version, while qemu-storage-daemon holds an image (NBD exports, read-only, no export), the 9 grants behave as measured.</summary>
public sealed class StorageDaemonAcquisitionTests(HolderPool pool) : IClassFixture<HolderPool>
{
    public static TheoryData<string, string, string, int> Cases => QemuVersions.Cross(ReferenceTable.AcquisitionCases(
        ("qsd rw + NBD export writable=on", "raw"), ("qsd rw + NBD export writable=on", "qcow2"),
        ("qsd read-only=on + NBD export", "raw"), ("qsd read-only=on + NBD export", "qcow2"),
        ("qsd rw + NBD export writable=off", "raw"),
        ("qsd blockdev file+fmt (rw), no export", "raw")));

    [QemuTheory, MemberData(nameof(Cases))]
    public void Engine_grant_against_storage_daemon(string version, string config, string format, int grant) =>
        AcquisitionCheck.Run(pool.Get(config, format, version), grant);
}
