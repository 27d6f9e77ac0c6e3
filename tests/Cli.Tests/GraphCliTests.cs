using System.Text.Json;
using ImageLock.Cli.Tests.Support;
using ImageLock.Tests.Support;

namespace ImageLock.Cli.Tests;

/// <summary>-f/--format: hold and status speak images (the file, its data file, its backing chain), and without -f
/// never guess that a file with a qcow2 header is qcow2.</summary>
public sealed class GraphCliTests
{
    /// <summary>top.qcow2 (data file disk.raw) → base.raw, recorded as raw.</summary>
    private static string Graph(TempImage image)
    {
        string top = image.Sibling("top.qcow2");
        TempImage.CreateRaw(image.Sibling("base.raw"), 4096);
        Qcow2Writer.Create(top, backing: "base.raw", backingFormat: "raw", dataFile: image.Path);
        return top;
    }

    [Fact]
    public void Without_f_a_qcow2_header_is_refused_and_nothing_is_held()
    {
        using var image = new TempImage();
        string top = Graph(image);
        var r = Imagelock.Run("hold", top, "--", "true");
        Assert.True(r.Exit == 2, CliFacts.Describe(r));
        Assert.Contains("has a qcow2 header and no format was given: pass -f qcow2", r.Err);
        foreach (var f in new[] { top, image.Path, image.Sibling("base.raw") }) CliFacts.AssertFree(f);
        // -f raw holds the one file, as 'qemu-io -f raw' would.
        var raw = Imagelock.Run("hold", "-f", "raw", top, "--", "true");
        Assert.True(raw.Exit == 0, CliFacts.Describe(raw));
    }

    [Fact]
    public void Hold_f_qcow2_holds_the_graph_as_qemu_io_and_status_shows_each_file()
    {
        using var image = new TempImage();
        string top = Graph(image);
        var (file, prefix) = DotnetApp.Locate(Imagelock.Name);
        string[] args = ["hold", "-f", "qcow2", "--perm", "read,write", top, "--", file, .. prefix, "status", "-f", "qcow2", top];
        var r = Imagelock.Run(args);
        Assert.True(r.Exit == 0, CliFacts.Describe(r));
        var blocks = r.Out.Split("\n\n");
        Assert.Equal(3, blocks.Length);
        Assert.StartsWith($"image: {top} (qcow2)\nperm=read,write,resize\nunshare=write,resize\n", blocks[0]);
        Assert.StartsWith($"data file: {image.Path} (of {top})\nperm=read,write,resize\nunshare=resize\n", blocks[1]);
        Assert.StartsWith($"backing file: {image.Sibling("base.raw")} (raw, backing 1 of {top})\nperm=read\nunshare=-\n", blocks[2]);
        Assert.All(blocks, b => Assert.Contains("hold -f qcow2", b));   // the holder is named on every file
        foreach (var f in new[] { top, image.Path, image.Sibling("base.raw") }) CliFacts.AssertFree(f);
    }

    [Fact]
    public void CMD_inherits_the_descriptor_of_every_file_held()
    {
        using var image = new TempImage();
        string top = Graph(image);
        var r = Imagelock.Run("hold", "-f", "qcow2", top, "--", "sh", "-c", "for f in /proc/$$/fd/*; do readlink $f; done");
        Assert.True(r.Exit == 0, CliFacts.Describe(r));
        var links = CliFacts.Lines(r.Out);
        foreach (var f in new[] { top, image.Path, image.Sibling("base.raw") }) Assert.Contains(f, links);
        foreach (var f in new[] { top, image.Path, image.Sibling("base.raw") }) CliFacts.AssertFree(f);
    }

    [Fact]
    public void Status_json_lists_every_file_with_its_role()
    {
        using var image = new TempImage();
        string top = Graph(image);
        var r = Imagelock.Run("status", "-f", "qcow2", "--json", top);
        Assert.True(r.Exit == 0, CliFacts.Describe(r));
        using var doc = JsonDocument.Parse(r.Out);
        var files = doc.RootElement.GetProperty("images").EnumerateArray().ToList();
        Assert.Equal([top, image.Path, image.Sibling("base.raw")], files.Select(f => f.GetProperty("path").GetString()));
        Assert.Equal(["image", "data-file", "backing"], files.Select(f => f.GetProperty("role").GetString()));
        Assert.Equal([0, 0, 1], files.Select(f => f.GetProperty("depth").GetInt32()));
        Assert.Equal(JsonValueKind.Null, files[0].GetProperty("named_by").ValueKind);
    }

    [Fact]
    public void Unknown_format_is_a_usage_error()
    {
        using var image = new TempImage();
        var r = Imagelock.Run("hold", "-f", "vmdk", image.Path);
        Assert.True(r.Exit == 2, CliFacts.Describe(r));
        Assert.Contains("unknown format 'vmdk': use raw or qcow2", r.Err);
        var s = Imagelock.Run("status", "--format", "qcow", image.Path);
        Assert.True(s.Exit == 2, CliFacts.Describe(s));
    }

    [Fact]
    public void Status_f_qcow2_of_a_raw_file_says_what_QEMU_says()
    {
        using var image = new TempImage();
        var r = Imagelock.Run("status", "-f", "qcow2", image.Path);
        Assert.True(r.Exit == 2, CliFacts.Describe(r));
        Assert.Contains("Image is not in qcow2 format", r.Err);
    }
}
