using System.Text.Json;
using System.Text.RegularExpressions;
using ImageLock.Cli.Tests.Support;
using ImageLock.Tests.Support;

namespace ImageLock.Cli.Tests;

/// <summary><c>imagelock status A B</c> and <c>imagelock status DIR</c>: one table, a row per holder, '-' rows for free images.</summary>
public sealed class StatusTableTests
{
    private sealed record Row(string Image, string Perm, string Unshare, string Pid, string Command);

    /// <summary>Parses the table: the header must be exactly IMAGE PERM UNSHARE PID COMMAND; paths have no spaces,
    /// the command (last column) may.</summary>
    private static List<Row> Table(string output)
    {
        var lines = CliFacts.Lines(output);
        Assert.True(lines.Length > 0, "no output");
        Assert.Equal(["IMAGE", "PERM", "UNSHARE", "PID", "COMMAND"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("IMAGE  ", lines[0]);
        var rows = new List<Row>();
        foreach (var line in lines.Skip(1))
        {
            var m = Regex.Match(line, @"^(\S+) +(\S+) +(\S+) +(\S+) +(.*)$");
            Assert.True(m.Success, $"not a table row: '{line}'\n{output}");
            rows.Add(new Row(m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value, m.Groups[4].Value, m.Groups[5].Value));
        }
        return rows;
    }

    /// <summary>The COMMAND cell for <paramref name="pid"/>: its whole command line (output to a pipe is never cut).</summary>
    private static void AssertCommandCell(int pid, string cell)
    {
        string command = File.ReadAllText($"/proc/{pid}/cmdline").TrimEnd('\0').Replace('\0', ' ');
        Assert.Equal(command, cell);
    }

    [Fact]
    public void Several_images_give_one_table_with_a_row_per_holder_and_dash_rows_for_free_images()
    {
        using var image = new TempImage(name: "a.raw");
        string a = image.Path, b = image.Sibling("b.raw");
        TempImage.CreateRaw(b, 1 << 20);

        // a: two holders, another process (imagelock hold) and this one; b: free.
        using var holder = Imagelock.Start("hold", "--perm", "read", "--unshare", "write", a);
        CliFacts.WaitHeld(a, holder, Perm.Read, Unshare.Write);
        using var lease = ImageLease.Acquire(a, Perm.Read | Perm.Resize, Unshare.None);

        var r = Imagelock.Run("status", a, b);
        Assert.True(r.Exit == 0, CliFacts.Describe(r));
        var rows = Table(r.Out);
        Assert.True(rows.Count == 3, r.Out);

        var theirs = Assert.Single(rows, x => x.Pid == holder.Pid.ToString());
        Assert.Equal((a, "read", "write"), (theirs.Image, theirs.Perm, theirs.Unshare));
        AssertCommandCell(holder.Pid, theirs.Command);
        Assert.Contains("hold", theirs.Command);

        var ours = Assert.Single(rows, x => x.Pid == Environment.ProcessId.ToString());
        Assert.Equal((a, "read,resize", "-"), (ours.Image, ours.Perm, ours.Unshare));
        AssertCommandCell(Environment.ProcessId, ours.Command);

        var free = Assert.Single(rows, x => x.Image == b);
        Assert.Equal(("-", "-", "-", "-"), (free.Perm, free.Unshare, free.Pid, free.Command));
        Assert.Equal([a, a, b], rows.Select(x => x.Image)); // in the order given
    }

    /// <summary>A directory with one file of each image kind, a qcow2 header under a non-image name, and files that are not images.</summary>
    private static (TempImage Dir, string[] Images) ImageDirectory()
    {
        var dir = new TempImage(name: "disk.raw");
        Qcow2Writer.Create(dir.Sibling("vm.qcow2"));
        Qcow2Writer.Create(dir.Sibling("old.qcow"), version: 2);
        Qcow2Writer.Create(dir.Sibling("snapshot.bin")); // a qcow2 header: an image by its content
        TempImage.CreateRaw(dir.Sibling("data.img"), 1 << 20);
        TempImage.CreateRaw(dir.Sibling("cd.ISO"), 1 << 20);
        File.WriteAllText(dir.Sibling("notes.txt"), "QFI is not at the start of this file\n");
        TempImage.CreateRaw(dir.Sibling("zeros.dat"), 4096); // no image extension, no qcow2 header
        Directory.CreateDirectory(dir.Sibling("sub.qcow2"));   // a directory, and not recursed into
        Qcow2Writer.Create(Path.Combine(dir.Sibling("sub.qcow2"), "inner.qcow2"));
        string[] images = ["cd.ISO", "data.img", "disk.raw", "old.qcow", "snapshot.bin", "vm.qcow2"];
        return (dir, images.Select(dir.Sibling).ToArray());
    }

    [Fact]
    public void Directory_lists_its_images_by_extension_and_by_qcow2_header_and_nothing_else()
    {
        var (dir, images) = ImageDirectory();
        using (dir)
        {
            string held = dir.Sibling("snapshot.bin");
            using var lease = ImageLease.Acquire(held, Perm.Read | Perm.Write, Unshare.Write);

            var r = Imagelock.Run("status", dir.Directory);
            Assert.True(r.Exit == 0, CliFacts.Describe(r));
            var rows = Table(r.Out);
            Assert.Equal(images, rows.Select(x => x.Image));
            Assert.DoesNotContain("notes.txt", r.Out);
            Assert.DoesNotContain("zeros.dat", r.Out);
            Assert.DoesNotContain("inner.qcow2", r.Out);

            var row = Assert.Single(rows, x => x.Image == held);
            Assert.Equal(("read,write", "write", Environment.ProcessId.ToString()), (row.Perm, row.Unshare, row.Pid));
            AssertCommandCell(Environment.ProcessId, row.Command);
            foreach (var free in rows.Where(x => x.Image != held))
                Assert.Equal(("-", "-", "-", "-"), (free.Perm, free.Unshare, free.Pid, free.Command));
        }
    }

    [Fact]
    public void Json_for_a_directory_has_one_object_per_image()
    {
        var (dir, images) = ImageDirectory();
        using (dir)
        {
            string held = dir.Sibling("vm.qcow2");
            using var lease = ImageLease.Acquire(held, Perm.Read, Unshare.Write | Unshare.Resize);

            var r = Imagelock.Run("status", "--json", dir.Directory);
            Assert.True(r.Exit == 0, CliFacts.Describe(r));
            using var doc = JsonDocument.Parse(r.Out);
            var entries = doc.RootElement.GetProperty("images").EnumerateArray().ToList();
            Assert.Equal(images, entries.Select(e => e.GetProperty("path").GetString()));
            foreach (var e in entries)
            {
                var holders = e.GetProperty("holders").EnumerateArray().ToList();
                if (e.GetProperty("path").GetString() == held)
                {
                    Assert.Equal(["consistent-read"], e.GetProperty("perm").EnumerateArray().Select(x => x.GetString()));
                    Assert.Equal(["write", "resize"], e.GetProperty("unshare").EnumerateArray().Select(x => x.GetString()));
                    Assert.Equal(Environment.ProcessId, Assert.Single(holders).GetProperty("pid").GetInt32());
                }
                else
                {
                    Assert.Equal(0, e.GetProperty("perm").GetArrayLength());
                    Assert.Equal(0, e.GetProperty("unshare").GetArrayLength());
                    Assert.Empty(holders);
                }
            }
        }
    }
}
