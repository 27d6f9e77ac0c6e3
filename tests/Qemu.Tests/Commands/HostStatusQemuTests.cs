using System.Text.Json;
using ImageLock.Qemu.Tests.Fixtures;
using ImageLock.Tests.Support;

namespace ImageLock.Qemu.Tests.Commands;

/// <summary><c>imagelock status</c> without an image finds a real QEMU's image among every file of the host, with the
/// bytes a probe of that image sees, and <c>status -q</c> answers for it.</summary>
public sealed class HostStatusQemuTests
{
    [QemuFact]
    public void Host_listing_and_check_see_a_running_qemu_io()
    {
        using var dir = new TempDir();
        using var qemu = QemuIo.Start("qemu-io (rw)", "qcow2", dir);
        var probed = ImageStatus.Probe(qemu.Image);
        Assert.False(probed.IsFree);

        var json = ImagelockCli.Run("status", "--json");
        Assert.True(json.Ok, json.Stderr + json.Stdout);
        using var doc = JsonDocument.Parse(json.Stdout);
        var entry = Assert.Single(doc.RootElement.GetProperty("images").EnumerateArray(), e => JsonPaths.Is(e, qemu.Image));
        static string Names(int bits) => string.Join(",", Enumerable.Range(0, PermNames.Count).Where(i => (bits & (1 << i)) != 0)
            .Select(i => PermNames.QemuName(i).Replace(' ', '-')));
        Assert.Equal(Names((int)probed.Perm), string.Join(",", entry.GetProperty("perm").EnumerateArray().Select(e => e.GetString())));
        Assert.Equal(Names((int)probed.Unshare), string.Join(",", entry.GetProperty("unshare").EnumerateArray().Select(e => e.GetString())));
        var holder = Assert.Single(entry.GetProperty("holders").EnumerateArray());
        Assert.Equal(qemu.Process.Pid, holder.GetProperty("pid").GetInt32());
        Assert.StartsWith("qemu-io", Path.GetFileName(holder.GetProperty("command").GetString()!.Split(' ')[0]));

        var table = ImagelockCli.Run("status", "-o", "pid,image", "-n");
        Assert.True(table.Ok, table.Stderr);
        Assert.Contains(table.Stdout.Split('\n'), l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).SequenceEqual([qemu.Process.Pid.ToString(), qemu.Image]));

        // A qcow2 image is checked as one (-f qcow2: every file QEMU opens for it); without -f it is refused, as hold refuses it.
        Assert.Equal(2, ImagelockCli.Run("status", "-q", qemu.Image).ExitCode);
        Assert.Equal(1, ImagelockCli.Run("status", "-q", "-f", "qcow2", qemu.Image).ExitCode);
        // qemu-io (rw) unshares write: a second writer conflicts. A qcow2 reader conflicts too, as 'qemu-io -r' without -U
        // does: QEMU's qcow2 driver never shares write on the file under its metadata. A reader of the file's bytes as raw,
        // sharing write, does not.
        Assert.Equal(1, ImagelockCli.Run("status", "-q", "-f", "qcow2", "--perm", "read,write", qemu.Image).ExitCode);
        Assert.Equal(1, ImagelockCli.Run("status", "-q", "-f", "qcow2", "--perm", "read", qemu.Image).ExitCode);
        Assert.Equal(0, ImagelockCli.Run("status", "-q", "-f", "raw", "--perm", "read", qemu.Image).ExitCode);
    }
}
