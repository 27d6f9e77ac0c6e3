namespace ImageLock.Package.Tests;

/// <summary>The same source gives the same bytes: two clean builds, in two copies at different paths, as CI builds
/// (ContinuousIntegrationBuild, README's command), produce identical assemblies, the Roslyn components included.</summary>
[Collection(PackedFeedCollection.Name)]
public sealed class ReproducibleBuildTests(PackedFeed feed)
{
    private static readonly string[] Assemblies =
    [
        "src/Generators/bin/Release/netstandard2.0/ImageLock.Generators.dll",
        "src/Analyzers/bin/Release/netstandard2.0/ImageLock.Analyzers.dll",
        "src/Analyzers.CodeFixes/bin/Release/netstandard2.0/ImageLock.Analyzers.CodeFixes.dll",
        "src/Sdk/bin/Release/net8.0/ImageLock.Sdk.dll",
        "src/Cli/bin/Release/net8.0/imagelock.dll",
    ];

    [Fact]
    public void Two_clean_builds_at_different_paths_give_identical_assemblies()
    {
        string first = Build(Path.Combine(feed.Root, "build-a"));
        string second = Build(Path.Combine(feed.Root, "build-b", "elsewhere"));

        foreach (var assembly in Assemblies)
            Assert.True(File.ReadAllBytes(Path.Combine(first, assembly)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(second, assembly))),
                $"{assembly} differs between two clean builds of the same source");
    }

    private string Build(string checkout)
    {
        PackedFeed.CopyCheckout(Dotnet.RepositoryRoot, checkout);
        // README's command ("Working on it"), as written.
        string build = Assert.Single(DocCommands.Of(checkout, "README.md"),
            c => c.Section == "Working on it" && c.Line.StartsWith("dotnet build ", StringComparison.Ordinal)).Line;
        Dotnet.Exec(checkout, feed.Environment, "bash", "-euo", "pipefail", "-c", build).EnsureSuccess();
        return checkout;
    }
}
