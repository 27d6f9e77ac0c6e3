using System.IO.Compression;
using System.Text.RegularExpressions;

namespace ImageLock.Package.Tests;

/// <summary>ImageLock.Sdk and the imagelock tool as a user gets them: packed and installed by README's commands.</summary>
[Collection(PackedFeedCollection.Name)]
public sealed partial class PackageTests(PackedFeed feed)
{
    private const string RepositoryUrl = "https://github.com/imagelock/imagelock-sdk";

    [Fact]
    public void Package_carries_runtime_generator_analyzers_code_fixes_readme_icon_and_build_message()
    {
        using var package = ZipFile.OpenRead(Path.Combine(feed.Feed, $"ImageLock.Sdk.{PackedFeed.Version}.nupkg"));
        var entries = package.Entries.Select(e => e.FullName).ToHashSet();
        Assert.Contains("lib/net8.0/ImageLock.Sdk.dll", entries);
        Assert.Contains("lib/net8.0/ImageLock.Sdk.xml", entries);
        Assert.Contains("analyzers/dotnet/cs/ImageLock.Generators.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/ImageLock.Analyzers.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/ImageLock.Analyzers.CodeFixes.dll", entries);
        Assert.Contains("buildTransitive/ImageLock.Sdk.targets", entries);
        Assert.True(File.Exists(Path.Combine(feed.Feed, $"ImageLock.Sdk.{PackedFeed.Version}.snupkg")), "symbols package missing");
        AssertConsumerMetadata(package, "src/Sdk/PACKAGE.md");
    }

    [Fact]
    public void Tool_package_carries_its_own_readme_and_icon()
    {
        using var package = ZipFile.OpenRead(Path.Combine(feed.Feed, $"imagelock.{PackedFeed.Version}.nupkg"));
        AssertConsumerMetadata(package, "src/Cli/PACKAGE.md");
    }

    /// <summary>A package page shows the README without the repository around it: it is the consumer README, with
    /// absolute links only, and the metadata points at the one repository URL the analyzers' help links use too.</summary>
    private void AssertConsumerMetadata(ZipArchive package, string readmeSource)
    {
        string readme = Read(package, "README.md");
        Assert.Equal(File.ReadAllText(Path.Combine(feed.Checkout, readmeSource)), readme);
        Assert.DoesNotContain("dotnet test", readme);
        Assert.DoesNotContain("Working on it", readme);
        foreach (Match link in MarkdownLink().Matches(readme))
            Assert.True(link.Groups[1].Value.StartsWith("https://", StringComparison.Ordinal), $"relative link in the package README: {link.Value}");
        Assert.Contains("icon.png", package.Entries.Select(e => e.FullName));

        string nuspec = Read(package, package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).FullName);
        Assert.Contains($"<version>{PackedFeed.Version}</version>", nuspec);
        Assert.Contains("<readme>README.md</readme>", nuspec);
        Assert.Contains("<icon>icon.png</icon>", nuspec);
        Assert.Contains($"<projectUrl>{RepositoryUrl}</projectUrl>", nuspec);
        Assert.Contains($"<repository type=\"git\" url=\"{RepositoryUrl}\"", nuspec);
        Assert.Matches(@"-[a-z]", PackedFeed.Version); // pre-release until 1.0
    }

    private static string Read(ZipArchive package, string entry)
    {
        using var reader = new StreamReader(package.GetEntry(entry)!.Open());
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"\]\(([^)]+)\)")]
    private static partial Regex MarkdownLink();

    [Fact]
    public void Readme_install_made_a_project_that_references_the_package()
    {
        string csproj = File.ReadAllText(Path.Combine(feed.Project, "HeaderCheck.csproj"));
        Assert.Contains($"<PackageReference Include=\"ImageLock.Sdk\" Version=\"{PackedFeed.Version}\" />", csproj);
        Assert.True(Directory.Exists(Path.Combine(feed.Home, ".nuget", "packages", "imagelock.sdk", PackedFeed.Version)),
            "the package did not come into the fresh NuGet cache");
        Assert.False(feed.Feed.StartsWith(feed.Project, StringComparison.Ordinal), "the feed must be outside the consumer's folder");
    }

    [Fact]
    public void Generated_wrapper_exists_and_holds_a_real_image_while_the_body_runs()
    {
        var consumer = new Consumer(feed, "Wrapper");
        consumer.Write("Stamper.cs", Consumer.Stamper);
        consumer.Write("Program.cs", Consumer.Program);
        consumer.Build().EnsureSuccess();

        string image = Path.Combine(consumer.Directory, "disk.raw");
        File.WriteAllBytes(image, new byte[65536]);
        var run = consumer.Run(image).EnsureSuccess();

        Assert.Contains("held: perm=read,write unshare=write", run.Output);
        Assert.Contains("after: free", run.Output);
        Assert.Equal("IMGL"u8.ToArray(), File.ReadAllBytes(image)[..4]);
    }

    [Fact]
    public void Misuse_fails_the_build_with_the_core_rule()
    {
        var consumer = new Consumer(feed, "Misuse");
        consumer.Write("Bad.cs", """
            using ImageLock;
            public partial class Shrinker
            {
                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                public void Shrink(ImageAccess image) => image.SetLength(0);
            }
            """);
        consumer.Write("Program.cs", "System.Console.WriteLine();");

        var build = consumer.Build();

        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("error IMGL0001", build.Output);
        Assert.Contains("'SetLength' requires Perm.Resize", build.Output);
    }

    [Fact]
    public void Editorconfig_severity_change_takes_effect_on_a_configurable_rule()
    {
        var consumer = new Consumer(feed, "Configured");
        consumer.Write("Reader.cs", """
            using ImageLock;
            public partial class Reader
            {
                [RequiresImageAccess(Perm.Read)]
                public int First(ImageAccess image) { var b = new byte[1]; image.Read(0, b); return b[0]; }
            }
            """);
        consumer.Write("Program.cs", "System.Console.WriteLine();");
        consumer.Build().EnsureSuccess(); // the unprotected-read rule is informational by default

        consumer.Write(".editorconfig", "root = true\n[*.cs]\ndotnet_diagnostic.IMGL0006.severity = error\n");
        var build = consumer.Build();

        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("error IMGL0006", build.Output);
    }

    [Fact]
    public void Imagelock_installed_by_the_readme_runs()
    {
        string imagelock = Path.Combine(feed.Home, ".dotnet", "tools", "imagelock");
        Assert.True(File.Exists(imagelock), $"README's `dotnet tool install -g` did not install {imagelock}:\n{feed.Install.Output}");

        var help = Dotnet.Exec(feed.Root, feed.Environment, imagelock, "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("usage: imagelock", help.Output);

        string image = Path.Combine(feed.Root, "tool.raw");
        File.WriteAllBytes(image, new byte[4096]);
        var status = Dotnet.Exec(feed.Root, feed.Environment, imagelock, "status", image).EnsureSuccess();
        Assert.StartsWith("perm=-\nunshare=-", status.Output);
    }
}
