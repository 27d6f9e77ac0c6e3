using System.Diagnostics;
using ImageLock.Qemu.Tests.Fixtures;

namespace ImageLock.Qemu.Tests.Graph;

/// <summary>
/// ImageGraphLease against real qemu-io holding the same image with the same format and mode: the same bytes on every
/// file, QEMU refused or allowed the same way both directions, no byte changed by a refused command. Every case runs
/// against each QEMU version (images made by the system's qemu-img).
/// </summary>
public sealed class GraphBytesTests
{
    private static void Img(params string[] args) => QemuCommand.Run("qemu-img", args).EnsureSuccess();

    public static TheoryData<string, bool> ReadWriteAndReadOnly => QemuVersions.Cross(new TheoryData<bool> { true, false });

    [QemuTheory, MemberData(nameof(ReadWriteAndReadOnly))]
    public void External_data_file(string version, bool readWrite)
    {
        using var dir = new TempDir();
        string image = dir.File("x.qcow2"), data = dir.File("d.raw");
        Img("create", "-q", "-f", "qcow2", "-o", $"data_file={data},data_file_raw=on", image, "16M");
        QemuCommand.Run("qemu-io", "-f", "qcow2", "-c", "write -q -P 0xab 0 64k", image).EnsureSuccess();
        GraphComparison.AssertSameAsQemu(new GraphCase(image, ImageFormat.Qcow2, readWrite, [image, data], Protected: [data], Version: version), dir.Path);
        using var lease = ImageGraphLease.Acquire(image, ImageFormat.Qcow2, Perm.Read);
        Assert.Equal([ImageRole.Image, ImageRole.DataFile], lease.Files.Select(f => f.Role));
    }

    [QemuTheory, MemberData(nameof(ReadWriteAndReadOnly))]
    public void Backing_recorded_as_raw(string version, bool readWrite)
    {
        using var dir = new TempDir();
        string bottom = dir.CreateImage("base.raw", "raw"), image = dir.File("ov.qcow2");
        Img("create", "-q", "-f", "qcow2", "-b", bottom, "-F", "raw", image);
        GraphComparison.AssertSameAsQemu(new GraphCase(image, ImageFormat.Qcow2, readWrite, [image, bottom], Version: version), dir.Path);
    }

    [QemuTheory, MemberData(nameof(ReadWriteAndReadOnly))]
    public void Qcow2_backing_with_its_own_raw_backing(string version, bool readWrite)
    {
        using var dir = new TempDir();
        string bottom = dir.CreateImage("base.raw", "raw"), mid = dir.File("mid.qcow2"), image = dir.File("top.qcow2");
        Img("create", "-q", "-f", "qcow2", "-b", bottom, "-F", "raw", mid);
        Img("create", "-q", "-f", "qcow2", "-b", "mid.qcow2", "-F", "qcow2", image);   // relative to the overlay
        GraphComparison.AssertSameAsQemu(new GraphCase(image, ImageFormat.Qcow2, readWrite, [image, mid, bottom], Protected: [mid], Version: version), dir.Path);
    }

    [QemuTheory, MemberData(nameof(QemuVersions.Each), MemberType = typeof(QemuVersions))]
    public void Json_backing(string version)
    {
        using var dir = new TempDir();
        string bottom = dir.CreateImage("base.qcow2", "qcow2"), image = dir.File("ov.qcow2");
        string json = $$"""json:{"driver":"qcow2","file":{"driver":"file","filename":"{{bottom}}"}""" + "}";
        Img("create", "-q", "-f", "qcow2", "-b", json, "-F", "qcow2", "-u", image, "16M");
        GraphComparison.AssertSameAsQemu(new GraphCase(image, ImageFormat.Qcow2, true, [image, bottom], Protected: [bottom], Version: version), dir.Path);
    }

    [QemuTheory, MemberData(nameof(QemuVersions.Each), MemberType = typeof(QemuVersions))]
    public void File_prefixed_backing(string version)
    {
        using var dir = new TempDir();
        string bottom = dir.CreateImage("base.qcow2", "qcow2"), image = dir.File("ov.qcow2");
        Img("create", "-q", "-f", "qcow2", "-b", "file:" + bottom, "-F", "qcow2", "-u", image, "16M");
        GraphComparison.AssertSameAsQemu(new GraphCase(image, ImageFormat.Qcow2, true, [image, bottom], Protected: [bottom], Version: version), dir.Path);
    }

    [QemuTheory, MemberData(nameof(QemuVersions.Each), MemberType = typeof(QemuVersions))]
    public void Nbd_backing_is_left_to_its_server(string version)
    {
        using var dir = new TempDir();
        using var nbd = QemuNbd.Start("qemu-nbd (rw) foreground", "raw", dir);   // serves dir/nbd.raw on dir/nbd.sock
        string image = dir.File("ov.qcow2");
        Img("create", "-q", "-f", "qcow2", "-b", $"nbd+unix:///?socket={dir.File("nbd.sock")}", "-F", "raw", "-u", image, "16M");
        GraphComparison.AssertSameAsQemu(new GraphCase(image, ImageFormat.Qcow2, true, [image, nbd.Image], Version: version), dir.Path);
        using var lease = ImageGraphLease.Acquire(image, ImageFormat.Qcow2, Perm.Read | Perm.Write);
        Assert.Single(lease.Files);
        Assert.Contains("nbd+unix", Assert.Single(lease.Notes));
    }

    [QemuTheory, MemberData(nameof(QemuVersions.Each), MemberType = typeof(QemuVersions))]
    public void Chain_of_100(string version)
    {
        using var dir = new TempDir();
        Img("create", "-q", "-f", "qcow2", dir.File("0.qcow2"), "1M");
        for (int i = 1; i <= 100; i++)
            Img("create", "-q", "-f", "qcow2", "-b", $"{i - 1}.qcow2", "-F", "qcow2", "-u", dir.File($"{i}.qcow2"), "1M");
        var files = Enumerable.Range(0, 101).Select(i => dir.File($"{i}.qcow2")).ToArray();
        GraphComparison.AssertSameAsQemu(new GraphCase(files[100], ImageFormat.Qcow2, true, files, Protected: [files[0]], Version: version), dir.Path);
    }

    [QemuTheory, MemberData(nameof(QemuVersions.Each), MemberType = typeof(QemuVersions))]
    public void Backing_loop_is_refused_like_QEMU_refuses_it(string version)
    {
        using var dir = new TempDir();
        string a = dir.File("a.qcow2"), b = dir.File("b.qcow2");
        Img("create", "-q", "-f", "qcow2", a, "1M");
        Img("create", "-q", "-f", "qcow2", "-b", a, "-F", "qcow2", b);
        Img("rebase", "-q", "-u", "-f", "qcow2", "-b", b, "-F", "qcow2", a);
        string hashA = TempDir.Sha256(a), hashB = TempDir.Sha256(b);

        var qemu = QemuCommand.RunIn(version, "qemu-io", "-f", "qcow2", "-c", "quit", b);
        Assert.False(qemu.Ok, $"[QEMU {version}] opened a looping chain");  // QEMU 7.2 rw trips over its own lock on the second visit (-r recurses without end)
        var e = Assert.Throws<Qcow2FormatException>(() => ImageGraphLease.Acquire(b, ImageFormat.Qcow2, Perm.Read | Perm.Write));
        Assert.Contains("loops", e.Message);
        var held = FileLocks.Of(Environment.ProcessId, [a, b]);
        Assert.All(held.Values, v => Assert.Equal("-", v));
        Assert.Equal((hashA, hashB), (TempDir.Sha256(a), TempDir.Sha256(b)));
    }

    [QemuTheory, MemberData(nameof(QemuVersions.Each), MemberType = typeof(QemuVersions))]
    public void Raw_image_with_a_guest_written_qcow2_header_never_touches_the_file_it_names(string version)
    {
        using var dir = new TempDir();
        using var host = new TempDir();
        string secret = host.CreateImage("host-secret.raw", "raw"), image = dir.File("guest.img");
        Img("create", "-q", "-f", "qcow2", "-b", secret, "-F", "raw", image);   // what a guest can write into its disk
        GraphComparison.AssertSameAsQemu(new GraphCase(image, ImageFormat.Raw, true, [image, secret], Version: version), dir.Path);
        using var lease = ImageGraphLease.Acquire(image, ImageFormat.Raw, Perm.Read | Perm.Write, Unshare.Write);
        Assert.Single(lease.Files);
        Assert.DoesNotContain(Directory.GetFiles("/proc/self/fd"), fd => new FileInfo(fd).LinkTarget == secret);
    }

    [QemuTheory, MemberData(nameof(QemuVersions.Each), MemberType = typeof(QemuVersions))]
    public void Non_utf8_backing_name(string version)
    {
        using var dir = new TempDir();
        // Made by the shell so the bytes 0xff 0xfe reach the kernel and qemu-img unchanged.
        var sh = Process.Start(new ProcessStartInfo("sh", ["-c",
            "n=$(printf 'b\\377\\376.raw'); qemu-img create -q -f raw \"$n\" 1M && " +
            "qemu-img create -q -f qcow2 -b \"$n\" -F raw ov.qcow2 && ln \"$n\" alias.raw"]) { WorkingDirectory = dir.Path })!;
        sh.WaitForExit();
        Assert.Equal(0, sh.ExitCode);
        string image = dir.File("ov.qcow2");
        string lossy = dir.File("b\uFFFD\uFFFD.raw");   // how /proc links and FileInfo show the name
        GraphComparison.AssertSameAsQemu(new GraphCase(image, ImageFormat.Qcow2, true, [image, lossy], Version: version), dir.Path);
        using var lease = ImageGraphLease.Acquire(image, ImageFormat.Qcow2, Perm.Read | Perm.Write, Unshare.Write);
        Assert.Equal("b\\xff\\xfe.raw", Path.GetFileName(lease.ToString().Split('\n')[1].Split(' ')[0]));
        Assert.Equal("perm=read unshare=write,resize", Bytes.Describe(ImageStatus.Probe(dir.File("alias.raw"))));
    }
}
