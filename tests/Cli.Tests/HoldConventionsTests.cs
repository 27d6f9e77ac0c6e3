using ImageLock.Cli.Tests.Support;
using ImageLock.Tests.Support;

namespace ImageLock.Cli.Tests;

/// <summary>flock(1)'s habits and GNU option forms: -n, -w, -E, -c, --opt=value, bundled short options, -V anywhere,
/// -?; a wait that runs out says it timed out.</summary>
public sealed class HoldConventionsTests
{
    [Theory]
    [InlineData("--wait=0.3")]
    [InlineData("-w0.3")]
    [InlineData("-w", "0.3")]
    public void A_wait_that_runs_out_says_it_timed_out(params string[] wait)
    {
        using var image = new TempImage();
        using var lease = ImageLease.Acquire(image.Path, Perm.Read, Unshare.Write);
        var r = Imagelock.Run(["hold", .. wait, "--perm=write", image.Path, "--", "true"]);
        Assert.True(r.Exit == 1, CliFacts.Describe(r));
        Assert.Contains("Failed to get \"write\" lock", r.Err);
        Assert.Contains($"imagelock: timed out after waiting 0.3 s for [{image.Path}]", r.Err);
    }

    [Fact]
    public void Nonblock_and_conflict_exit_code_as_flocks()
    {
        using var image = new TempImage();
        using var lease = ImageLease.Acquire(image.Path, Perm.Read, Unshare.Write);
        var r = Imagelock.Run("hold", "-n", "--perm", "write", image.Path, "--", "true");
        Assert.True(r.Exit == 1, CliFacts.Describe(r));
        Assert.DoesNotContain("timed out", r.Err);
        r = Imagelock.Run("hold", "-nE7", "--perm", "write", image.Path, "--", "true");
        Assert.True(r.Exit == 7, CliFacts.Describe(r));
        r = Imagelock.Run("hold", "--conflict-exit-code=0", "--perm", "write", image.Path, "--", "true");
        Assert.True(r.Exit == 0, CliFacts.Describe(r));
        r = Imagelock.Run("hold", "-E", "256", image.Path);
        Assert.True(r.Exit == 2, CliFacts.Describe(r));
        Assert.Equal(["imagelock: hold: -E needs an exit status 0-255, got '256'", Usage.HoldLine.TrimEnd()], CliFacts.Lines(r.Err));
    }

    [Fact]
    public void Command_string_runs_with_sh()
    {
        using var image = new TempImage();
        var r = Imagelock.Run("hold", "--perm", "read,write", image.Path, "-c", "ls -l /proc/$$/fd | grep -c disk.raw; exit 5");
        Assert.True(r.Exit == 5, CliFacts.Describe(r));
        Assert.Equal("1", CliFacts.Lines(r.Out)[0]);
        r = Imagelock.Run("hold", image.Path, "-c", "true", "--", "true");
        Assert.True(r.Exit == 2, CliFacts.Describe(r));
        Assert.Equal(2, CliFacts.Lines(r.Err).Length); // the error and the one usage line
        CliFacts.AssertFree(image.Path);
    }

    [Fact]
    public void Version_anywhere_and_question_mark_help()
    {
        using var image = new TempImage();
        foreach (var args in new[] { new[] { "-V" }, ["hold", "-V"], ["status", image.Path, "--version"], ["hold", "--perm", "read", image.Path, "-V"] })
        {
            var r = Imagelock.Run(args);
            Assert.True(r.Exit == 0, CliFacts.Describe(r));
            Assert.StartsWith("imagelock ", r.Out);
        }
        var help = Imagelock.Run("hold", "-?");
        Assert.True(help.Exit == 0, CliFacts.Describe(help));
        Assert.StartsWith("usage: imagelock hold", help.Out);
        // After '--', -V belongs to CMD.
        var cmd = Imagelock.Run("hold", image.Path, "--", "sh", "-c", "echo \"$0\"", "-V");
        Assert.Equal("-V", CliFacts.Lines(cmd.Out).Single());
    }
}
