using ImageLock.Cli.Tests.Support;
using ImageLock.Tests.Support;

namespace ImageLock.Cli.Tests;

/// <summary><c>--help</c> for every command: exit 0, its usage line on stdout.</summary>
public sealed class HelpTests
{
    [Theory]
    [InlineData("usage: imagelock <command> [options]", "--help")]
    [InlineData("usage: imagelock <command> [options]", "-h")]
    [InlineData("usage: imagelock <command> [options]", "help")]
    [InlineData("usage: imagelock status [-f raw|qcow2] [-J] [-o LIST] [-n] [-r] [-u] [IMAGE|DIR...]", "status", "--help")]
    [InlineData("usage: imagelock status [-f raw|qcow2] [-J] [-o LIST] [-n] [-r] [-u] [IMAGE|DIR...]", "status", "-h")]
    [InlineData("usage: imagelock hold [-f raw|qcow2] [--perm LIST] [--unshare LIST] [-w SECONDS | -n] [-E N] [--posix] IMAGE [-c STRING | -- CMD ARGS...]", "hold", "--help")]
    [InlineData("usage: imagelock hold [-f raw|qcow2] [--perm LIST] [--unshare LIST] [-w SECONDS | -n] [-E N] [--posix] IMAGE [-c STRING | -- CMD ARGS...]", "hold", "-h")]
    [InlineData("usage: imagelock demo", "demo", "--help")]
    public void Help_exits_0_and_prints_the_usage_line(string usageLine, params string[] args)
    {
        var r = Imagelock.Run(args);
        Assert.True(r.Exit == 0, CliFacts.Describe(r));
        Assert.Equal(usageLine, CliFacts.Lines(r.Out)[0]);
        Assert.Equal("", r.Err);
    }

    [Fact]
    public void Help_lists_every_command()
    {
        var r = Imagelock.Run("--help");
        foreach (var command in new[] { "status", "hold", "demo" })
            Assert.Contains(CliFacts.Lines(r.Out), l => l.TrimStart().StartsWith(command + " ", StringComparison.Ordinal));
    }

    [Fact]
    public void Help_after_an_image_still_takes_no_lock()
    {
        using var image = new TempImage();
        var r = Imagelock.Run("hold", image.Path, "--help");
        Assert.True(r.Exit == 0, CliFacts.Describe(r));
        Assert.StartsWith("usage: imagelock hold ", r.Out);
        CliFacts.AssertFree(image.Path);
    }

    [Fact]
    public void No_arguments_exits_2_with_the_usage_on_stderr()
    {
        var r = Imagelock.Run();
        Assert.True(r.Exit == 2, CliFacts.Describe(r));
        Assert.StartsWith("usage: imagelock <command> [options]\n", r.Err);
        Assert.Equal("", r.Out);
    }
}
