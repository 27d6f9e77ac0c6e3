using ImageLock.Tests.Support;

namespace ImageLock.Cli.Tests;

public sealed class DemoTests
{
    [Fact]
    public void Demo_exits_0_and_shows_the_refusal()
    {
        var r = DotnetApp.Run(Imagelock.Name, TimeSpan.FromMinutes(5), "demo");
        Assert.True(r.Exit == 0, $"exit {r.Exit}\n{r.Out}\n{r.Err}");
        Assert.Contains("Failed to get \"write\" lock", r.Out);
        Assert.Contains("perm=read", r.Out);
        Assert.Contains("unshare=write,resize", r.Out);
    }
}
