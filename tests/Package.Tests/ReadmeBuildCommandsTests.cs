namespace ImageLock.Package.Tests;

/// <summary>
/// README's build commands beyond the install, as written (taken from README.md at test time) in the copy of the
/// checkout README's install ran in: the native imagelock of "The native command" (NativeAOT), and the repack with a
/// new version suffix of "Working on it". (Its reproducible build is ReproducibleBuildTests.)
/// </summary>
[Collection(PackedFeedCollection.Name)]
public sealed class ReadmeBuildCommandsTests(PackedFeed feed)
{
    private string Line(string section, string start) =>
        Assert.Single(DocCommands.Of(feed.Checkout, "README.md"), c => c.Section == section && c.Line.StartsWith(start, StringComparison.Ordinal)).Line;

    [ToolsFact("gcc|clang", "/usr/include/zlib.h")]
    public void Native_publish_gives_a_binary_that_runs_without_dotnet()
    {
        string publish = Line("The native command", "dotnet publish ");

        Dotnet.Exec(feed.Checkout, feed.Environment, "bash", "-euo", "pipefail", "-c", publish).EnsureSuccess();

        string binary = Assert.Single(Directory.GetFiles(Path.Combine(feed.Checkout, "src", "Cli", "bin", "Release"), "imagelock",
            SearchOption.AllDirectories), f => f.Contains("/linux-x64/publish/", StringComparison.Ordinal));
        Assert.Equal("\u007fELF"u8.ToArray(), File.ReadAllBytes(binary)[..4]);
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(binary)!, "imagelock.dll")), "the publish is not native: imagelock.dll beside it");
        // No .NET on the way: no DOTNET_ROOT, and a PATH without dotnet.
        var bare = new Dictionary<string, string?> { ["PATH"] = "/usr/bin:/bin", ["DOTNET_ROOT"] = null };
        var version = Dotnet.Exec(feed.Root, bare, binary, "--version").EnsureSuccess();
        Assert.Equal($"imagelock {PackedFeed.Version.Split('-')[0]}\n", version.Output);
        string image = Path.Combine(feed.Root, "native.raw");
        File.WriteAllBytes(image, new byte[4096]);
        Assert.StartsWith("perm=-\nunshare=-", Dotnet.Exec(feed.Root, bare, binary, "status", image).EnsureSuccess().Output);
    }

    [Fact]
    public void Repack_with_a_new_suffix_gives_that_version()
    {
        string repack = Line("Working on it", "dotnet pack ");
        string feedDir = Path.Combine(feed.Root, "repack-feed"); // not the install's feed: its packages stay as they are
        string suffix = System.Text.RegularExpressions.Regex.Match(repack, @"VersionSuffix=(\S+)").Groups[1].Value;

        Dotnet.Exec(feed.Checkout, feed.Environment, "bash", "-euo", "pipefail", "-c", $"feed='{feedDir}'\n{repack}").EnsureSuccess();

        Assert.True(File.Exists(Path.Combine(feedDir, $"ImageLock.Sdk.{PackedFeed.Version.Split('-')[0]}-{suffix}.nupkg")),
            string.Join(", ", Directory.GetFiles(feedDir).Select(Path.GetFileName)));
    }
}
