using System.Text.Json;
using ImageLock.Cli.Tests.Support;
using ImageLock.Tests.Support;

namespace ImageLock.Cli.Tests;

public sealed class StatusTests
{
    [Fact]
    public void Free_image_prints_dashes()
    {
        using var image = new TempImage();
        var r = Imagelock.Run("status", image.Path);
        Assert.True(r.Exit == 0, CliFacts.Describe(r));
        var lines = CliFacts.Lines(r.Out);
        Assert.Equal(["perm=-", "unshare=-"], lines);
    }

    [Fact]
    public void Held_image_prints_grant_then_holder_table_with_pid_and_command()
    {
        using var image = new TempImage();
        using var lease = ImageLease.Acquire(image.Path, Perm.Read | Perm.Write, Unshare.Write | Unshare.Resize);
        var r = Imagelock.Run("status", image.Path);
        Assert.True(r.Exit == 0, CliFacts.Describe(r));
        var lines = CliFacts.Lines(r.Out);
        Assert.Equal("perm=read,write", lines[0]);
        Assert.Equal("unshare=write,resize", lines[1]);
        Assert.Contains("PID", lines[2]);
        Assert.Contains("COMMAND", lines[2]);
        var row = Assert.Single(lines.Skip(3), l => l.TrimStart().StartsWith(Environment.ProcessId + " ", StringComparison.Ordinal));
        int fd = (int)lease.Access.Handle.DangerousGetHandle();
        Assert.Contains($" {fd} ", row);
        // Our command line (the table shortens long ones, so its start).
        string argv0 = File.ReadAllText("/proc/self/cmdline").Split('\0')[0];
        Assert.Contains(" " + argv0, row);
    }

    [Fact]
    public void Json_is_valid_and_has_the_fields()
    {
        using var image = new TempImage();
        using var lease = ImageLease.Acquire(image.Path, Perm.Read, Unshare.Write);
        var r = Imagelock.Run("status", "--json", image.Path);
        Assert.True(r.Exit == 0, CliFacts.Describe(r));
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal(1, doc.RootElement.GetProperty("version").GetInt32());
        var entry = Assert.Single(doc.RootElement.GetProperty("images").EnumerateArray());
        Assert.Equal(image.Path, entry.GetProperty("path").GetString());
        Assert.Equal(["consistent-read"], entry.GetProperty("perm").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["write"], entry.GetProperty("unshare").EnumerateArray().Select(e => e.GetString()));
        Assert.False(entry.GetProperty("legacy_perm").GetBoolean());
        var holder = Assert.Single(entry.GetProperty("holders").EnumerateArray());
        Assert.Equal(Environment.ProcessId, holder.GetProperty("pid").GetInt32());
        Assert.Equal((int)lease.Access.Handle.DangerousGetHandle(), holder.GetProperty("fd").GetInt32());
        Assert.Contains("testhost", holder.GetProperty("command").GetString());
        Assert.Equal("OFD", holder.GetProperty("kind").GetString());
        Assert.Equal(["consistent-read"], holder.GetProperty("perm").EnumerateArray().Select(e => e.GetString()));
        Assert.False(holder.GetProperty("write_lock").GetBoolean());
    }

    [Fact]
    public void Json_of_a_free_image_has_empty_lists()
    {
        using var image = new TempImage();
        var r = Imagelock.Run("status", "--json", image.Path);
        using var doc = JsonDocument.Parse(r.Out);
        var entry = doc.RootElement.GetProperty("images")[0];
        Assert.Equal(0, entry.GetProperty("perm").GetArrayLength());
        Assert.Equal(0, entry.GetProperty("unshare").GetArrayLength());
        Assert.Equal(0, entry.GetProperty("holders").GetArrayLength());
    }

    [Fact]
    public void Status_takes_no_lock()
    {
        using var image = new TempImage();
        // An exclusive holder: any lock status took would conflict with it, and status would fail.
        using var lease = ImageLease.Acquire(image.Path, Perm.All, Unshare.All);
        var r = Imagelock.Run("status", image.Path);
        Assert.True(r.Exit == 0, CliFacts.Describe(r));
        Assert.Equal("perm=read,write,write-unchanged,resize", CliFacts.Lines(r.Out)[0]);
    }
}
