using ImageLock.Qemu.Tests.Fixtures;

namespace ImageLock.Qemu.Tests.Live;

/// <summary>Pitfall 3 of the reference: `qemu-img create` over an image checks only bytes 201, 203 and 103. A lease that
/// unshares write protects the data; a lease that only reads does not.</summary>
public sealed class CreateOverHeldImageTests
{
    public static TheoryData<string, string> Formats => QemuVersions.Cross(new TheoryData<string> { "qcow2", "raw" });

    [QemuTheory, MemberData(nameof(Formats))]
    public void Create_is_refused_and_the_data_survives_when_the_lease_unshares_write(string version, string format)
    {
        using var dir = new TempDir();
        var image = dir.CreateImage($"held.{format}", format);
        string before = TempDir.Sha256(image);
        using (ImageLease.Acquire(image, Perm.Read, Unshare.Write))
        {
            var r = QemuCommand.RunIn(version, "qemu-img", "create", "-f", format, image, "1G");
            Assert.Equal(1, r.ExitCode);
            Assert.Equal($"qemu-img: <dir>/held.{format}: Failed to get \"write\" lock ⏎ Is another process using the image [<dir>/held.{format}]?",
                r.ReferenceMessage(dir.Path));
            Assert.Equal(before, TempDir.Sha256(image));
        }
        Assert.Equal(before, TempDir.Sha256(image));
        var info = QemuCommand.Run("qemu-img", "info", "-f", format, image).EnsureSuccess();
        Assert.Contains("virtual size: 16 MiB", info.Stdout, StringComparison.Ordinal);
    }

    [QemuTheory, MemberData(nameof(QemuVersions.Each), MemberType = typeof(QemuVersions))]
    public void Create_truncates_an_image_held_with_perm_read_only(string version)
    {
        using var dir = new TempDir();
        var image = dir.CreateImage("weak.qcow2", "qcow2");
        string before = TempDir.Sha256(image);
        using (ImageLease.Acquire(image, Perm.Read))
            QemuCommand.RunIn(version, "qemu-img", "create", "-q", "-f", "qcow2", image, "1G").EnsureSuccess();
        Assert.NotEqual(before, TempDir.Sha256(image)); // measured: exit 0, data lost — reading does not protect
    }
}
