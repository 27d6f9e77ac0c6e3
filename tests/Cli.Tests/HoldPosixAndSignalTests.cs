using System.Text.Json;
using ImageLock.Cli.Tests.Support;
using ImageLock.Tests.Support;

namespace ImageLock.Cli.Tests;

public sealed class HoldPosixAndSignalTests
{
    [Fact]
    public void Posix_hold_shows_kind_POSIX_and_refuses_conflicting_OFD_acquisitions()
    {
        using var image = new TempImage();
        using var child = Imagelock.Start("hold", "--posix", "--perm", "read,write", "--unshare", "write", image.Path);
        CliFacts.WaitHeld(image.Path, child, Perm.Read | Perm.Write, Unshare.Write);

        var r = Imagelock.Run("status", "--json", image.Path);
        Assert.True(r.Exit == 0, CliFacts.Describe(r));
        using (var doc = JsonDocument.Parse(r.Out))
        {
            var holder = Assert.Single(doc.RootElement.GetProperty("images")[0].GetProperty("holders").EnumerateArray());
            Assert.Equal(child.Pid, holder.GetProperty("pid").GetInt32());
            Assert.Equal("POSIX", holder.GetProperty("kind").GetString());
            Assert.Equal(["consistent-read", "write"], holder.GetProperty("perm").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(["write"], holder.GetProperty("unshare").EnumerateArray().Select(e => e.GetString()));
            // /proc agrees: the holder's descriptor carries POSIX locks, not OFD ones.
            var locks = ProcFd.Locks(child.Pid, holder.GetProperty("fd").GetInt32());
            Assert.NotEmpty(locks);
            Assert.All(locks, l => Assert.Equal("POSIX", l.Kind));
        }

        // The engine (OFD) is refused in both of QEMU's directions.
        Assert.False(ImageLease.TryAcquire(image.Path, Perm.Read | Perm.Write, Unshare.None, out var writer, out var conflict));
        writer?.Dispose();
        Assert.Contains("Failed to get \"write\" lock", conflict!.Message);
        Assert.False(ImageLease.TryAcquire(image.Path, Perm.Read, Unshare.Write, out var reader, out conflict));
        reader?.Dispose();
        Assert.Contains("Failed to get shared \"write\" lock", conflict!.Message);

        // A raw OFD write lock on a byte the POSIX holder read-locks is refused by the kernel; a read lock is compatible.
        int fd = Native.Open(image.Path, Native.O_RDWR);
        try
        {
            Assert.Equal(11 /* EAGAIN */, Native.OfdSetLock(fd, Native.F_WRLCK, 101));
            Assert.Equal(11 /* EAGAIN */, Native.OfdSetLock(fd, Native.F_WRLCK, 201));
            Assert.Equal(0, Native.OfdSetLock(fd, Native.F_RDLCK, 100));
            Assert.Equal(0, Native.OfdSetLock(fd, Native.F_UNLCK, 100));
        }
        finally
        {
            Native.Close(fd);
        }

        Assert.False(child.HasExited, child.ToString());
        child.Signal(Native.SIGTERM);
        Assert.True(child.WaitForExit(TimeSpan.FromMinutes(2)), child.ToString());
        Assert.True(child.ExitCode == 0, child.ToString());
        CliFacts.AssertFree(image.Path);
    }

    [Fact]
    public void SIGTERM_to_hold_is_passed_on_to_CMD_and_its_exit_status_returned()
    {
        using var image = new TempImage();
        using var child = Imagelock.Start("hold", "--perm", "read,write", "--unshare", "write", image.Path, "--",
            "sh", "-c", "trap 'exit 42' TERM; echo ready $$; while :; do sleep 0.1; done");
        Assert.True(Poll.Until(() => child.StdOut.Contains("ready") || child.HasExited, TimeSpan.FromMinutes(2)) && !child.HasExited,
            $"CMD never started: {child}");
        int cmd = int.Parse(CliFacts.Lines(child.StdOut)[0]["ready ".Length..]);
        try
        {
            CliFacts.WaitHeld(image.Path, child, Perm.Read | Perm.Write, Unshare.Write);

            child.Signal(Native.SIGTERM); // imagelock's own PID, not CMD's
            Assert.True(child.WaitForExit(TimeSpan.FromMinutes(2)), $"hold did not exit after SIGTERM: {child}");
            Assert.True(child.ExitCode == 42, $"exit {child.ExitCode}, expected CMD's 42: {child}");
            Assert.True(Poll.Until(() => !IsCmd(cmd), TimeSpan.FromMinutes(2)), $"CMD (pid {cmd}) still runs");
            CliFacts.AssertFree(image.Path);
        }
        finally
        {
            if (IsCmd(cmd)) Native.Kill(cmd, Native.SIGKILL); // CMD, started by this test through hold; gone when all went well
        }
    }

    /// <summary>Is <paramref name="pid"/> still the CMD this test started (and not a zombie or a reused pid)?</summary>
    private static bool IsCmd(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline").Contains("exit 42"); }
        catch (IOException) { return false; }
    }
}
