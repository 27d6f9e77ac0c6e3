using System.Diagnostics;
using ImageLock.Cli.Tests.Support;
using ImageLock.Tests.Support;

namespace ImageLock.Cli.Tests;

public sealed class HoldTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(42)]
    public void Returns_the_exit_status_of_CMD(int status)
    {
        using var image = new TempImage();
        var r = Imagelock.Run("hold", image.Path, "--", "sh", "-c", $"exit {status}");
        Assert.True(r.Exit == status, CliFacts.Describe(r));
        CliFacts.AssertFree(image.Path);
    }

    [Fact]
    public void Holds_while_CMD_runs()
    {
        using var image = new TempImage();
        var (file, prefix) = DotnetApp.Locate(Imagelock.Name);
        // CMD is imagelock status itself: it sees the grant of the hold that runs it.
        string[] args = ["hold", "--perm", "read,write", "--unshare", "resize", image.Path, "--", file, .. prefix, "status", image.Path];
        var r = Imagelock.Run(args);
        Assert.True(r.Exit == 0, CliFacts.Describe(r));
        var lines = CliFacts.Lines(r.Out);
        Assert.Equal("perm=read,write", lines[0]);
        Assert.Equal("unshare=resize", lines[1]);
        Assert.Contains(lines, l => l.Contains("imagelock") && l.Contains("hold"));
        CliFacts.AssertFree(image.Path);
    }

    [Fact]
    public void Background_child_of_CMD_does_not_keep_the_locks()
    {
        using var image = new TempImage();
        // CMD leaves a grandchild running that inherited the image's descriptor; imagelock unlocks once CMD has exited.
        var r = Imagelock.Run("hold", "--perm", "read,write", "--unshare", "write", image.Path, "--",
            "sh", "-c", "sleep 3 >/dev/null 2>&1 & echo $!");
        Assert.True(r.Exit == 0, CliFacts.Describe(r));
        int grandchild = int.Parse(CliFacts.Lines(r.Out)[0]);
        try
        {
            Assert.True(Directory.Exists($"/proc/{grandchild}"), "the grandchild should still be running");
            CliFacts.AssertFree(image.Path);
        }
        finally
        {
            Native.Kill(grandchild, Native.SIGKILL); // ours: started by the CMD we ran
        }
    }

    [Fact]
    public void Conflict_exits_1_with_qemus_wording_and_who_holds_it()
    {
        using var image = new TempImage();
        using var lease = ImageLease.Acquire(image.Path, Perm.Read, Unshare.Write);
        var r = Imagelock.Run("hold", "--perm", "read,write", image.Path, "--", "true");
        Assert.True(r.Exit == 1, CliFacts.Describe(r));
        Assert.Contains("Failed to get \"write\" lock", r.Err);
        Assert.Contains($"Is another process using the image [{image.Path}]?", r.Err);
        // imagelock scans without the library's 50 ms budget (Refusals): the holder is named however busy the machine.
        Assert.True(r.Err.Contains($"held by pid {Environment.ProcessId}", StringComparison.Ordinal), CliFacts.Describe(r));
        Assert.DoesNotContain("Stopped naming", r.Err);
        Assert.Equal("{100,201}", string.Concat("{", string.Join(",", ProcFd.BytesOn(image.Path)), "}"));
    }

    [Fact]
    public void Without_CMD_holds_until_SIGTERM()
    {
        using var image = new TempImage();
        using var child = Imagelock.Start("hold", "--perm", "read", "--unshare", "write,resize", image.Path);
        CliFacts.WaitHeld(image.Path, child, Perm.Read, Unshare.Write | Unshare.Resize);
        var status = ImageStatus.Probe(image.Path);
        Assert.Equal((Perm.Read, Unshare.Write | Unshare.Resize), (status.Perm, status.Unshare));
        Assert.Equal(child.Pid, Assert.Single(status.Holders).Pid);
        Thread.Sleep(300);
        Assert.False(child.HasExited, "hold without CMD must keep holding");

        child.Signal(Native.SIGTERM);
        Assert.True(child.WaitForExit(TimeSpan.FromMinutes(2)), child.ToString());
        Assert.True(child.ExitCode == 0, child.ToString());
        CliFacts.AssertFree(image.Path);
    }

    [Fact]
    public void Wait_succeeds_after_the_holder_releases()
    {
        using var image = new TempImage();
        var lease = ImageLease.Acquire(image.Path, Perm.Read, Unshare.Write);
        var sw = Stopwatch.StartNew();
        using var child = Imagelock.Start("hold", "--wait", "300", "--perm", "read,write", image.Path, "--", "true");
        Thread.Sleep(1000);
        Assert.False(child.HasExited, $"hold --wait should still be waiting: {child}");
        lease.Dispose();
        Assert.True(child.WaitForExit(TimeSpan.FromMinutes(5)), child.ToString());
        Assert.True(child.ExitCode == 0, child.ToString());
        Assert.True(sw.Elapsed >= TimeSpan.FromSeconds(1));
        CliFacts.AssertFree(image.Path);
    }

    [Fact]
    public void Wait_that_runs_out_exits_1()
    {
        using var image = new TempImage();
        using var lease = ImageLease.Acquire(image.Path, Perm.Read, Unshare.Write);
        var sw = Stopwatch.StartNew();
        var r = Imagelock.Run("hold", "--wait", "0.5", "--perm", "write", image.Path, "--", "true");
        Assert.True(r.Exit == 1, CliFacts.Describe(r));
        Assert.True(sw.Elapsed >= TimeSpan.FromMilliseconds(500));
        Assert.Contains("Failed to get \"write\" lock", r.Err);
    }
}
