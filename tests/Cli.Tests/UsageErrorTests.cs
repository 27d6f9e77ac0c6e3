using ImageLock.Cli.Tests.Support;
using ImageLock.Tests.Support;

namespace ImageLock.Cli.Tests;

/// <summary>Usage and open errors exit 2 with a message that names the problem (and the path, when there is one).</summary>
public sealed class UsageErrorTests
{
    private static (int Exit, string Out, string Err) Usage(params string[] args)
    {
        var r = Imagelock.Run(args);
        Assert.True(r.Exit == 2, CliFacts.Describe(r));
        return r;
    }

    [Fact]
    public void No_image()
    {
        Assert.Contains("no image given", Usage("hold").Err);
        Assert.Contains("-q/--check takes one IMAGE", Usage("status", "-q").Err);
        Assert.Contains("no image given", Usage("hold", "--perm", "read").Err);
    }

    [Fact]
    public void Unknown_option_and_command()
    {
        using var image = new TempImage();
        Assert.Contains("unknown option '--bogus'", Usage("hold", "--bogus", image.Path).Err);
        Assert.Contains("unknown option '--bogus'", Usage("status", "--bogus", image.Path).Err);
        Assert.Contains("unknown command 'frobnicate'", Usage("frobnicate").Err);
        Usage();
        CliFacts.AssertFree(image.Path);
    }

    [Fact]
    public void Bad_permission_list()
    {
        using var image = new TempImage();
        Assert.Contains("unknown permission 'rwx'", Usage("hold", "--perm", "rwx", image.Path).Err);
        Assert.Contains("unknown permission 'exec'", Usage("hold", "--unshare", "read,exec", image.Path).Err);
        Assert.Contains("--perm needs a value", Usage("hold", image.Path, "--perm").Err);
        Assert.Contains("--wait needs a number", Usage("hold", "--wait", "soon", image.Path).Err);
        CliFacts.AssertFree(image.Path);
    }

    [Fact]
    public void Missing_file_names_the_path_and_creates_nothing()
    {
        using var image = new TempImage();
        string missing = image.Sibling("nope.qcow2");
        Assert.Contains(missing, Usage("hold", missing, "--", "true").Err);
        Assert.Contains(missing, Usage("status", missing).Err);
        Assert.False(File.Exists(missing));
    }

    [Fact]
    public void Directory_names_the_path()
    {
        using var image = new TempImage();
        var err = Usage("hold", image.Directory, "--", "true").Err;
        Assert.Contains(image.Directory, err);
        Assert.Contains("directory", err);
    }

    [Fact]
    public void Character_device_is_refused()
    {
        var err = Usage("hold", "/dev/null", "--", "true").Err;
        Assert.Contains("/dev/null", err);
        Assert.Contains("character device", err);
    }
}
