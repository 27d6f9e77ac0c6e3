using ImageLock.Qemu.Tests.Fixtures;
using ImageLock.Qemu.Tests.Reference;

namespace ImageLock.Qemu.Tests.Roles;

/// <summary>
/// Byte-level equivalence: for QEMU's roles, the engine acquiring the grant QEMU holds in that role publishes exactly
/// the bytes QEMU publishes — same probe from outside, same fdinfo lock lines, same access mode — and both equal the
/// reference's "Bytes held per configuration".
/// </summary>
public sealed class RoleBytesTests
{
    public static TheoryData<string, string, string> Roles => QemuVersions.Cross(new TheoryData<string, string>
    {
        { "qemu-io (rw)", "qcow2" },                      // qcow2 read-write
        { "qemu-io -r", "qcow2" },                        // qcow2 read-only
        { "qemu-io (rw)", "raw" },
        { "qsys q35, -drive + virtio-blk-pci", "raw" },   // raw VM with a device
        { "qsys q35, -drive readonly=on + virtio-blk-pci", "raw" },
        { "qsys q35, -drive + virtio-blk-pci", "qcow2" },
        { "qemu-nbd (rw) foreground", "raw" },            // NBD export raw (unshares resize)
        { "qemu-nbd (rw) foreground", "qcow2" },          // NBD export qcow2
        { "qsd rw + NBD export writable=on", "raw" },
        { "qsd read-only=on + NBD export", "qcow2" },
    });

    [QemuTheory, MemberData(nameof(Roles))]
    public void Engine_publishes_the_bytes_QEMU_publishes(string version, string config, string format)
    {
        using var dir = new TempDir();
        var expected = ReferenceTable.BytesHeld(config, format, version: version);
        using var holder = HolderPool.Start(config, format, dir, version);
        string image = holder.Image;
        var qemu = RoleBytes.Capture(image, holder.Process.Pid);
        holder.Process.Stop(); // the holder (and its dir) is disposed at the end of the test
        Bytes.WaitFree(image);

        RoleBytes engine;
        using (ImageLease.Acquire(image, expected.Perm, expected.Unshare))
            engine = RoleBytes.Capture(image, Environment.ProcessId);

        Assert.Equal(Bytes.Describe(expected.Perm, expected.Unshare), qemu.Probe);
        RoleBytes.AssertSame(qemu, engine, $"[QEMU {version}] {config} ({format})");
        Assert.True(ImageStatus.Probe(image).IsFree, "the lease released every byte");
    }
}
