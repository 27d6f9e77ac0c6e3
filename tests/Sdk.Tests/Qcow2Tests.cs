using ImageLock.Tests.Support;

namespace ImageLock.Tests;

/// <summary>qcow2 headers and backing chains, including hostile ones.</summary>
public sealed class Qcow2Tests
{
    [Fact]
    public void Header_is_read()
    {
        using var image = new TempImage();
        string top = image.Sibling("top.qcow2");
        Qcow2Writer.Create(top, size: 10UL << 30, backing: "base.qcow2");
        Assert.Equal(new Qcow2Header(3, 10UL << 30, "base.qcow2"), Qcow2Header.Read(top));

        string v2 = image.Sibling("v2.qcow2");
        Qcow2Writer.Create(v2, size: 4096, version: 2);
        Assert.Equal(new Qcow2Header(2, 4096, null), Qcow2Header.Read(v2));

        Assert.Null(Qcow2Header.Read(image.Path)); // raw
    }

    [Fact]
    public void Chain_of_three_with_relative_names_is_discovered_nearest_first()
    {
        using var image = new TempImage();
        Directory.CreateDirectory(image.Sibling("base"));
        string a = image.Sibling("base/a.qcow2"), b = image.Sibling("b.qcow2"), c = image.Sibling("c.qcow2");
        Qcow2Writer.Create(a);
        Qcow2Writer.Create(b, backing: "base/a.qcow2"); // relative to b's directory
        Qcow2Writer.Create(c, backing: b);               // absolute
        var chain = BackingChain.Discover(c);
        Assert.Equal([c, b, a], chain.Select(l => Path.GetFullPath(l.Path)));
        Assert.Equal("base/a.qcow2", chain[1].Header!.BackingFile);
        Assert.Null(chain[2].Header!.BackingFile);

        // Relative to the naming image's directory, not the current directory.
        Directory.CreateDirectory(image.Sibling("sub"));
        string d = image.Sibling("sub/d.qcow2");
        Qcow2Writer.Create(d, backing: "../c.qcow2");
        Assert.Equal([d, c, b, a], BackingChain.Discover(d).Select(l => Path.GetFullPath(l.Path)));
    }

    [Fact]
    public void Raw_backing_file_ends_the_chain()
    {
        using var image = new TempImage();
        string top = image.Sibling("top.qcow2");
        Qcow2Writer.Create(top, backing: "disk.raw");
        var chain = BackingChain.Discover(top);
        Assert.Equal(2, chain.Count);
        Assert.Null(chain[1].Header);
    }

    private static Qcow2FormatException Hostile(string path, params string[] fragments)
    {
        var e = Assert.Throws<Qcow2FormatException>(() => BackingChain.Discover(path));
        Assert.Contains(path, e.Message);
        foreach (var f in fragments) Assert.Contains(f, e.Message);
        Assert.Empty(ProcFd.On(path));
        return e;
    }

    [Fact]
    public void Loop_is_refused()
    {
        using var image = new TempImage();
        string a = image.Sibling("a.qcow2"), b = image.Sibling("b.qcow2");
        Qcow2Writer.Create(a, backing: "b.qcow2");
        Qcow2Writer.Create(b, backing: "a.qcow2");
        Hostile(a, "loops");
        Assert.Throws<Qcow2FormatException>(() => ImageChainLease.Acquire(a, Perm.Read));
        LeaseFacts.AssertFree(a);
        LeaseFacts.AssertFree(b);
    }

    [Fact]
    public void Self_loop_is_refused()
    {
        using var image = new TempImage();
        string a = image.Sibling("a.qcow2");
        Qcow2Writer.Create(a, backing: "a.qcow2");
        Hostile(a, "loops");
    }

    [Fact]
    public void Loop_through_a_symlink_is_refused()
    {
        using var image = new TempImage();
        string a = image.Sibling("a.qcow2"), link = image.Sibling("link.qcow2");
        Qcow2Writer.Create(a, backing: "link.qcow2");
        File.CreateSymbolicLink(link, a);
        Hostile(a, "loops");
    }

    [Fact]
    public void Absurd_name_length_is_refused()
    {
        using var image = new TempImage();
        string a = image.Sibling("a.qcow2");
        Qcow2Writer.Create(a, backing: "x", nameLength: 1_000_000, fileLength: 2_000_000);
        Hostile(a, "1000000", "1023");
    }

    [Fact]
    public void Name_offset_beyond_the_end_of_the_file_is_refused()
    {
        using var image = new TempImage();
        string a = image.Sibling("a.qcow2");
        Qcow2Writer.Create(a, backing: "base.qcow2", nameOffset: 1UL << 40);
        Hostile(a, "outside the file");
        string b = image.Sibling("b.qcow2");
        Qcow2Writer.Create(b, backing: "base.qcow2", nameOffset: 510, nameLength: 10); // straddles the end of a 512-byte file
        Hostile(b, "outside the file");
    }

    [Fact]
    public void Missing_backing_file_is_refused_naming_both_files()
    {
        using var image = new TempImage();
        string a = image.Sibling("a.qcow2");
        Qcow2Writer.Create(a, backing: "gone.qcow2");
        Hostile(a, image.Sibling("gone.qcow2"), "Could not open backing file");
    }

    [Fact]
    public void Bad_version_and_truncated_header_are_refused()
    {
        using var image = new TempImage();
        string a = image.Sibling("a.qcow2");
        Qcow2Writer.Create(a, version: 7);
        Assert.Contains("version 7", Assert.Throws<Qcow2FormatException>(() => Qcow2Header.Read(a)).Message);
        Qcow2Writer.Create(a, fileLength: 20);
        Assert.Contains("truncated", Assert.Throws<Qcow2FormatException>(() => Qcow2Header.Read(a)).Message);
    }

    [Fact]
    public void Chain_deeper_than_64_is_refused()
    {
        using var image = new TempImage();
        int count = BackingChain.MaxDepth + 2;
        for (int i = 0; i < count; i++)
            Qcow2Writer.Create(image.Sibling($"{i}.qcow2"), backing: i + 1 < count ? $"{i + 1}.qcow2" : null);
        Hostile(image.Sibling("0.qcow2"), "deeper than 64");
        // Exactly 64 is fine.
        Assert.Equal(BackingChain.MaxDepth, BackingChain.Discover(image.Sibling("2.qcow2")).Count);
    }
}
