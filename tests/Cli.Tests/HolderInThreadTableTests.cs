using ImageLock.Cli.Tests.Support;
using ImageLock.Tests.Support;

namespace ImageLock.Cli.Tests;

/// <summary>A lock held through a thread's own descriptor table (unshare(CLONE_FILES)) is not in /proc/PID/fdinfo,
/// which shows the leader's table only; <c>status</c> still names the process that holds it.</summary>
public sealed class HolderInThreadTableTests
{
    [Fact]
    public void Status_names_a_holder_whose_lock_is_in_a_threads_own_descriptor_table()
    {
        using var image = new TempImage();
        using var holder = Locker.Fcntl("ofd", "read", "201", "201", image.Path, "--own-table"); // unshare write
        Assert.DoesNotContain(Directory.GetFiles($"/proc/{holder.Pid}/fd"), f => new FileInfo(f).LinkTarget == image.Path);

        var r = Imagelock.Run("status", image.Path);
        Assert.True(r.Exit == 0, CliFacts.Describe(r));
        var lines = CliFacts.Lines(r.Out);
        Assert.Equal(["perm=-", "unshare=write"], lines[..2]);
        var row = lines.Skip(3).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).FirstOrDefault(f => f[0] == $"{holder.Pid}");
        Assert.True(row is not null, CliFacts.Describe(r));
        Assert.Equal(["-", "write", Locker.Cmdline(holder.Pid)], [row[2], row[3], string.Join(' ', row[4..])]);
    }
}
