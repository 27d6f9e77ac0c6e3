using System.Text;
using ImageLock.Tests.Support;

namespace ImageLock.Tests;

/// <summary>Which files an image's graph has, read from qcow2 headers as QEMU reads them, hostile ones included.
/// Discovered with ImageGraphStatus.Probe, which takes no lock.</summary>
public sealed class Qcow2Tests
{
    private static string[] Files(string image, ImageFormat format = ImageFormat.Qcow2) =>
        ImageGraphStatus.Probe(image, format, identifyHolders: false).Files.Select(f => Path.GetFullPath(f.Path)).ToArray();

    [Fact]
    public void Raw_image_is_never_parsed()
    {
        using var image = new TempImage();
        string fake = image.Sibling("guest.raw");
        Qcow2Writer.Create(fake, backing: "/etc/shadow", dataFile: "/etc/passwd");  // a guest wrote a qcow2 header
        var graph = ImageGraphStatus.Probe(fake, ImageFormat.Raw, identifyHolders: false);
        Assert.Equal([fake], graph.Files.Select(f => f.Path));
        Assert.Equal(ImageRole.Image, graph.Files[0].Role);
        using var lease = ImageGraphLease.Acquire(fake, ImageFormat.Raw, Perm.Read, Unshare.Write | Unshare.Resize);
        Assert.Single(lease.Leases);
        LeaseFacts.AssertProbe(fake, Perm.Read, Unshare.Write | Unshare.Resize);
        LeaseFacts.AssertFree("/etc/passwd");
    }

    [Fact]
    public void Chain_with_relative_names_is_discovered_nearest_first()
    {
        using var image = new TempImage();
        Directory.CreateDirectory(image.Sibling("base"));
        string a = image.Sibling("base/a.qcow2"), b = image.Sibling("b.qcow2"), c = image.Sibling("c.qcow2");
        Qcow2Writer.Create(a);
        Qcow2Writer.Create(b, backing: "base/a.qcow2", backingFormat: "qcow2"); // relative to b's directory
        Qcow2Writer.Create(c, backing: b, backingFormat: "qcow2");               // absolute
        var graph = ImageGraphStatus.Probe(c, ImageFormat.Qcow2, identifyHolders: false);
        Assert.Equal([c, b, a], graph.Files.Select(f => Path.GetFullPath(f.Path)));
        Assert.Equal([ImageRole.Image, ImageRole.Backing, ImageRole.Backing], graph.Files.Select(f => f.Role));
        Assert.Equal([0, 1, 2], graph.Files.Select(f => f.Depth));
        Assert.Equal(b, graph.Files[2].NamedBy);

        // Relative to the naming image's directory, not the current directory.
        Directory.CreateDirectory(image.Sibling("sub"));
        string d = image.Sibling("sub/d.qcow2");
        Qcow2Writer.Create(d, backing: "../c.qcow2", backingFormat: "qcow2");
        Assert.Equal([d, c, b, a], Files(d));
    }

    [Fact]
    public void Backing_recorded_as_raw_is_not_parsed_and_unrecorded_is_probed()
    {
        using var image = new TempImage();
        string fake = image.Sibling("base.img"), top = image.Sibling("top.qcow2");
        Qcow2Writer.Create(fake, backing: "/etc/passwd");
        Qcow2Writer.Create(top, backing: "base.img", backingFormat: "raw");
        Assert.Equal([top, fake], Files(top));
        Assert.Equal(ImageFormat.Raw, ImageGraphStatus.Probe(top, ImageFormat.Qcow2, false).Files[1].Format);

        // No format recorded: QEMU probes the backing file, and so do we (the hazard docs/protocol.md describes).
        Qcow2Writer.Create(top, backing: "base.img");
        Assert.Equal([top, fake, "/etc/passwd"], Files(top));
    }

    [Fact]
    public void External_data_file_is_part_of_the_graph_relative_to_the_working_directory()
    {
        using var image = new TempImage();
        string top = image.Sibling("x.qcow2");
        Qcow2Writer.Create(top, dataFile: image.Path, autoclear: Qcow2Writer.AutoclearDataFileRaw);
        var graph = ImageGraphStatus.Probe(top, ImageFormat.Qcow2, identifyHolders: false);
        Assert.Equal([top, image.Path], graph.Files.Select(f => f.Path));
        Assert.Equal(ImageRole.DataFile, graph.Files[1].Role);
        Assert.Null(graph.Files[1].Format);

        // QEMU 7.2 opens a relative data file name relative to its working directory, not the image's.
        Qcow2Writer.Create(top, dataFile: "disk.raw");
        var e = Assert.Throws<ImageLockException>(() => ImageGraphStatus.Probe(top, ImageFormat.Qcow2));
        Assert.Contains("Could not open data file of", e.Message);
        Assert.Contains("'disk.raw'", e.Message);

        // The name without the data-file feature bit is not opened, as in QEMU.
        Qcow2Writer.Create(top, dataFileBytes: Encoding.UTF8.GetBytes(image.Path));
        Assert.Equal([top], Files(top));
    }

    [Fact]
    public void Names_with_prefixes_json_and_network_protocols()
    {
        using var image = new TempImage();
        string top = image.Sibling("top.qcow2"), base2 = image.Sibling("base.qcow2");
        Qcow2Writer.Create(base2);
        Qcow2Writer.Create(top, backing: "file:" + base2, backingFormat: "qcow2");
        Assert.Equal([top, base2], Files(top));
        Qcow2Writer.Create(top, backing: "json:{\"driver\":\"qcow2\",\"file\":{\"driver\":\"file\",\"filename\":\"" + base2 + "\"}}");
        Assert.Equal([top, base2], Files(top));
        Qcow2Writer.Create(top, backing: $$"""json:{"driver":"raw","file.filename":"{{base2}}"}""");
        Assert.Equal(ImageFormat.Raw, ImageGraphStatus.Probe(top, ImageFormat.Qcow2, false).Files[1].Format);
        Qcow2Writer.Create(top, backing: $$"""json:{"driver":"raw","file.filename":"{{base2}}"}""", backingFormat: "qcow2");
        Assert.Equal(ImageFormat.Qcow2, ImageGraphStatus.Probe(top, ImageFormat.Qcow2, false).Files[1].Format); // recorded wins

        Qcow2Writer.Create(top, backing: $$"""json:{"driver":"raw","file.filename":"{{base2}}","file.locking":"off"}""");
        Assert.Contains("file.locking", Assert.Throws<Qcow2FormatException>(() => Files(top)).Message);

        foreach (var remote in new[] { "nbd+unix:///?socket=/run/nbd.sock", "nbd:unix:/run/nbd.sock", "https://example.invalid/x.raw",
                     """json:{"driver":"raw","file":{"driver":"nbd","path":"/run/nbd.sock"}}""" })
        {
            if (remote.StartsWith("json:")) continue; // options beyond file.driver/filename are refused, below
            Qcow2Writer.Create(top, backing: remote, backingFormat: "raw");
            var graph = ImageGraphStatus.Probe(top, ImageFormat.Qcow2, false);
            Assert.Equal([top], graph.Files.Select(f => f.Path));
            Assert.Contains("QEMU takes no file locks there", Assert.Single(graph.Notes));
        }
        Qcow2Writer.Create(top, backing: "blkdebug:rules.conf:" + base2, backingFormat: "raw");
        Assert.Contains("'blkdebug'", Assert.Throws<Qcow2FormatException>(() => Files(top)).Message);
    }

    [Fact]
    public void Non_utf8_names_are_opened_exactly()
    {
        using var image = new TempImage();
        byte[] dir = Encoding.UTF8.GetBytes(image.Directory + "/");
        byte[] name = [.. dir, (byte)'b', 0xff, 0xfe, (byte)'.', (byte)'r', (byte)'a', (byte)'w'];
        Native.CreateFile(name);
        // A look-alike with U+FFFD in place of the bytes, which a lossy decoding would open instead.
        TempImage.CreateRaw(image.Sibling("b\uFFFD\uFFFD.raw"), 4096);
        string top = image.Sibling("top.qcow2");
        Qcow2Writer.Create(top, backingBytes: name, backingFormat: "raw");
        using var lease = ImageGraphLease.Acquire(top, ImageFormat.Qcow2, Perm.Read, Unshare.Write);
        var file = lease.Files[1];
        Assert.Equal(name, file.PathBytes.ToArray());
        Assert.Equal(name, Native.FdTarget(lease.Leases[1].Fd()));
        LeaseFacts.AssertFree(image.Sibling("b\uFFFD\uFFFD.raw"));
        Assert.Contains("b\\xff\\xfe.raw", lease.ToString());
        // The string carries the bytes: the engine reopens exactly that file from it.
        LeaseFacts.AssertProbe(file.Path, Perm.Read, Unshare.Write | Unshare.Resize);
    }

    private static Qcow2FormatException Hostile(string path, params string[] fragments)
    {
        var e = Assert.Throws<Qcow2FormatException>(() => ImageGraphLease.Acquire(path, ImageFormat.Qcow2, Perm.Read));
        Assert.Contains(path, e.Message);
        foreach (var f in fragments) Assert.Contains(f, e.Message);
        Assert.Empty(ProcFd.On(path));
        LeaseFacts.AssertFree(path);
        return e;
    }

    [Fact]
    public void Loop_is_refused()
    {
        using var image = new TempImage();
        string a = image.Sibling("a.qcow2"), b = image.Sibling("b.qcow2");
        Qcow2Writer.Create(a, backing: "b.qcow2", backingFormat: "qcow2");
        Qcow2Writer.Create(b, backing: "a.qcow2", backingFormat: "qcow2");
        Hostile(a, "loops");
        LeaseFacts.AssertFree(b);
        Assert.Empty(ProcFd.On(b));
    }

    [Fact]
    public void Self_loop_and_loop_through_a_symlink_or_hard_link_are_refused()
    {
        using var image = new TempImage();
        string a = image.Sibling("a.qcow2"), link = image.Sibling("link.qcow2"), hard = image.Sibling("hard.qcow2");
        Qcow2Writer.Create(a, backing: "a.qcow2");
        Hostile(a, "loops");
        Qcow2Writer.Create(a, backing: "link.qcow2");
        File.CreateSymbolicLink(link, a);
        Hostile(a, "loops", "same file");
        Qcow2Writer.Create(a, backing: "hard.qcow2");
        Native.Link(a, hard);
        Hostile(a, "loops", "same file");
    }

    [Fact]
    public void Data_file_that_is_the_image_itself_is_refused()
    {
        using var image = new TempImage();
        string a = image.Sibling("a.qcow2");
        Qcow2Writer.Create(a, dataFile: a);
        Hostile(a, "same file");
    }

    [Fact]
    public void Headers_QEMU_refuses_are_refused_with_QEMUs_reason()
    {
        using var image = new TempImage();
        string a = image.Sibling("a.qcow2");
        Qcow2Writer.Create(a, backing: "x", nameLength: 1_000_000, fileLength: 2_000_000);
        Hostile(a, "Backing file name too long");
        Qcow2Writer.Create(a, version: 7);
        Hostile(a, "Unsupported qcow2 version 7");
        Qcow2Writer.Create(a, fileLength: 20);
        Hostile(a, "truncated");
        Qcow2Writer.Create(a, incompatible: 1UL << 40);
        Hostile(a, "Unsupported qcow2 feature");
        Qcow2Writer.Create(a, incompatible: Qcow2Writer.IncompatDataFile);
        Hostile(a, "'data-file' is required for this image");
        Qcow2Writer.Create(a, autoclear: Qcow2Writer.AutoclearDataFileRaw);
        Hostile(a, "data-file-raw requires a data file");
        Qcow2Writer.Create(a, backing: "base.qcow2", backingFormat: "vmdk");
        TempImage.CreateRaw(image.Sibling("base.qcow2"), 4096);
        Hostile(a, "'vmdk'");
        Assert.Empty(ProcFd.On(image.Sibling("base.qcow2")));
        File.WriteAllBytes(a, new byte[4096]);
        Hostile(a, "Image is not in qcow2 format");

        // Corrupt: QEMU opens it read-only, never read-write.
        Qcow2Writer.Create(a, incompatible: Qcow2Writer.IncompatCorrupt);
        using (ImageGraphLease.Acquire(a, ImageFormat.Qcow2, Perm.Read)) { }
        var e = Assert.Throws<Qcow2FormatException>(() => ImageGraphLease.Acquire(a, ImageFormat.Qcow2, Perm.Read | Perm.Write));
        Assert.Contains("Image is corrupt; cannot be opened read/write", e.Message);
        LeaseFacts.AssertFree(a);
    }

    [Fact]
    public void Missing_backing_file_is_refused_naming_both_files()
    {
        using var image = new TempImage();
        string a = image.Sibling("a.qcow2");
        Qcow2Writer.Create(a, backing: "gone.qcow2", backingFormat: "qcow2");
        var e = Assert.Throws<ImageLockException>(() => ImageGraphLease.Acquire(a, ImageFormat.Qcow2, Perm.Read));
        Assert.Contains(image.Sibling("gone.qcow2"), e.Message);
        Assert.Contains($"Could not open backing file of '{a}'", e.Message);
        Assert.Equal(2, e.Errno);
        LeaseFacts.AssertFree(a);
        Assert.Empty(ProcFd.On(a));
    }

    [Fact]
    public void Chain_of_200_is_followed_to_the_end()
    {
        using var image = new TempImage();
        const int count = 200;
        for (int i = 0; i < count; i++)
            Qcow2Writer.Create(image.Sibling($"{i}.qcow2"), backing: i + 1 < count ? $"{i + 1}.qcow2" : null, backingFormat: "qcow2");
        using var lease = ImageGraphLease.Acquire(image.Sibling("0.qcow2"), ImageFormat.Qcow2, Perm.Read, Unshare.Write | Unshare.Resize);
        Assert.Equal(count, lease.Leases.Count);
        LeaseFacts.AssertProbe(image.Sibling($"{count - 1}.qcow2"), Perm.Read, Unshare.Write | Unshare.Resize);
    }
}
