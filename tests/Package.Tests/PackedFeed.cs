namespace ImageLock.Package.Tests;

/// <summary>
/// Packs ImageLock.Sdk and the imagelock tool once into a temporary folder that serves as the only source of
/// ImageLock packages, and gives each consumer its own NuGet cache so no stale copy of 0.1.0 can be used.
/// </summary>
public sealed class PackedFeed : IDisposable
{
    public PackedFeed()
    {
        Root = Directory.CreateTempSubdirectory("imagelock-pkg-").FullName;
        Feed = Directory.CreateDirectory(Path.Combine(Root, "feed")).FullName;
        foreach (var project in new[] { "src/Sdk/ImageLock.Sdk.csproj", "src/Cli/ImageLock.Cli.csproj" })
            Dotnet.Exec(Dotnet.RepositoryRoot, null, "dotnet", "pack", project, "-c", "Release", "-o", Feed).EnsureSuccess();
        Packages = Path.Combine(Root, "packages");
    }

    public string Root { get; }

    public string Feed { get; }

    /// <summary>The consumers' NuGet cache (NUGET_PACKAGES): fresh, so ImageLock.Sdk comes from <see cref="Feed"/>.</summary>
    public string Packages { get; }

    public IDictionary<string, string> Environment => new Dictionary<string, string> { ["NUGET_PACKAGES"] = Packages };

    /// <summary>A nuget.config: ImageLock packages only from the local feed, everything else from nuget.org.</summary>
    public string NuGetConfig => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <clear />
            <add key="local" value="{Feed}" />
            <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
          </packageSources>
          <packageSourceMapping>
            <packageSource key="local"><package pattern="ImageLock.*" /><package pattern="imagelock" /></packageSource>
            <packageSource key="nuget.org"><package pattern="*" /></packageSource>
          </packageSourceMapping>
        </configuration>
        """;

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
    }
}
