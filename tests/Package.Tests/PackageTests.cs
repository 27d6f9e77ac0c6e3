namespace ImageLock.Package.Tests;

/// <summary>ImageLock.Sdk as a user gets it: packed, referenced from a local feed only, by a project outside the repo.</summary>
public sealed class PackageTests(PackedFeed feed) : IClassFixture<PackedFeed>
{
    [Fact]
    public void Package_carries_runtime_generator_analyzers_code_fixes_readme_and_build_message()
    {
        using var package = System.IO.Compression.ZipFile.OpenRead(Path.Combine(feed.Feed, "ImageLock.Sdk.0.1.0.nupkg"));
        var entries = package.Entries.Select(e => e.FullName).ToHashSet();
        Assert.Contains("lib/net8.0/ImageLock.Sdk.dll", entries);
        Assert.Contains("lib/net8.0/ImageLock.Sdk.xml", entries);
        Assert.Contains("analyzers/dotnet/cs/ImageLock.Generators.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/ImageLock.Analyzers.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/ImageLock.Analyzers.CodeFixes.dll", entries);
        Assert.Contains("buildTransitive/ImageLock.Sdk.targets", entries);
        Assert.Contains("README.md", entries);
        Assert.True(File.Exists(Path.Combine(feed.Feed, "ImageLock.Sdk.0.1.0.snupkg")), "symbols package missing");
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
    public void Imagelock_installs_as_a_dotnet_tool_and_runs()
    {
        string tools = Path.Combine(feed.Root, "tools");
        string config = Path.Combine(feed.Root, "tool-nuget.config");
        File.WriteAllText(config, feed.NuGetConfig);
        Dotnet.Exec(feed.Root, feed.Environment, "dotnet", "tool", "install", "imagelock", "--version", "0.1.0",
            "--tool-path", tools, "--configfile", config).EnsureSuccess();
        string imagelock = Path.Combine(tools, "imagelock");

        var help = Dotnet.Exec(feed.Root, null, imagelock, "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("usage: imagelock", help.Output);

        string image = Path.Combine(feed.Root, "tool.raw");
        File.WriteAllBytes(image, new byte[4096]);
        var status = Dotnet.Exec(feed.Root, null, imagelock, "status", image).EnsureSuccess();
        Assert.StartsWith("perm=-\nunshare=-", status.Output);
    }
}
