using ImageLock.Cli.Tests.Support;
using ImageLock.Tests.Support;

namespace ImageLock.Cli.Tests;

/// <summary><c>status</c> takes the GNU forms <c>hold</c> takes (<c>--format=raw</c>, <c>-fraw</c>, <c>--</c> before an
/// image named like an option), and every usage error shows the error and the one usage line, not the whole usage.</summary>
public sealed class StatusConventionsTests
{
    [Fact]
    public void Double_dash_makes_an_option_like_name_an_image()
    {
        using var image = new TempImage();
        string dashed = image.Sibling("-x.raw");
        File.WriteAllBytes(dashed, new byte[4096]);
        using var lease = ImageLease.Acquire(dashed, Perm.Read | Perm.Write, Unshare.Resize);

        var r = Imagelock.Run("status", "--", dashed);
        Assert.True(r.Exit == 0, CliFacts.Describe(r));
        Assert.Equal(["perm=read,write", "unshare=resize"], CliFacts.Lines(r.Out)[..2]);

        r = Imagelock.Run("status", "-x.raw");
        Assert.True(r.Exit == 2, CliFacts.Describe(r));
        Assert.StartsWith("imagelock: status: unknown option '-x'", r.Err);
    }

    [Theory]
    [InlineData("--format=raw")]
    [InlineData("-fraw")]
    [InlineData("-f", "raw")]
    public void Format_takes_the_GNU_forms(params string[] format)
    {
        using var image = new TempImage();
        using var lease = ImageLease.Acquire(image.Path, Perm.Read, Unshare.Write);
        var r = Imagelock.Run(["status", .. format, image.Path]);
        Assert.True(r.Exit == 0, CliFacts.Describe(r));
        Assert.Contains("perm=read", r.Out);
        Assert.Contains("unshare=write", r.Out);
    }

    [Theory]
    [InlineData("usage: imagelock status ", "status", "--bogus")]
    [InlineData("usage: imagelock status ", "status", "--format=vmdk", "x.vmdk")]
    [InlineData("usage: imagelock hold ", "hold", "--bogus", "x.raw")]
    [InlineData("usage: imagelock hold ", "hold", "x.raw", "--perm")]
    [InlineData("usage: imagelock demo", "demo", "now")]
    [InlineData("usage: imagelock <command> ", "frobnicate")]
    public void A_usage_error_shows_the_error_and_one_usage_line(string usage, params string[] args)
    {
        var r = Imagelock.Run(args);
        Assert.True(r.Exit == 2, CliFacts.Describe(r));
        var lines = CliFacts.Lines(r.Err);
        Assert.True(lines.Length == 2, CliFacts.Describe(r));
        Assert.StartsWith("imagelock: ", lines[0]);
        Assert.StartsWith(usage, lines[1]);
        Assert.Equal("", r.Out);
    }
}
