namespace ImageLock.Package.Tests;

/// <summary>
/// A newcomer's first steps: README's install commands, run exactly as written (taken from README.md at test time), in
/// a copy of this checkout, with a fresh HOME: an empty NuGet cache, no NuGet.Config of the user, no tools. The feed
/// the commands pack into stays in the copy, outside the consumer's project (~/HeaderCheck).
/// </summary>
public sealed class PackedFeed : IDisposable
{
    public PackedFeed()
    {
        Root = Directory.CreateTempSubdirectory("imagelock-pkg-").FullName;
        Home = Directory.CreateDirectory(Path.Combine(Root, "home")).FullName;
        Checkout = Path.Combine(Root, "imagelock-sdk");
        CopyCheckout(Dotnet.RepositoryRoot, Checkout);
        InstallScript = string.Join("\n", Markdown.Blocks(Path.Combine(Checkout, "README.md"))
            .Where(b => b.Section == "Install" && b.Language == "sh").Select(b => b.Code));
        Install = Dotnet.Exec(Checkout, Environment, "bash", "-euo", "pipefail", "-c", InstallScript).EnsureSuccess();
        Feed = Path.Combine(Checkout, "feed");
        Project = Path.Combine(Home, "HeaderCheck");
    }

    /// <summary>The one version source (Directory.Build.props), as the test assembly was built with it.</summary>
    public static string Version { get; } = Dotnet.Metadata("PackageVersion");

    public string Root { get; }

    /// <summary>HOME of every command: NuGet's cache (~/.nuget/packages) and global tools (~/.dotnet/tools) live here.</summary>
    public string Home { get; }

    /// <summary>The copy of this checkout the install commands run in: tracked and new files, no build output.</summary>
    public string Checkout { get; }

    public string InstallScript { get; }

    public Run Install { get; }

    public string Feed { get; }

    /// <summary>The project README's commands created and added the package to.</summary>
    public string Project { get; }

    public IDictionary<string, string?> Environment => new Dictionary<string, string?>
    {
        ["HOME"] = Home,
        ["NUGET_PACKAGES"] = null,
        ["DOTNET_CLI_HOME"] = null,
        ["NUGET_HTTP_CACHE_PATH"] = null,
    };

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

    /// <summary>What a fresh clone would hold: the files git tracks or would add, as they are in the working tree now,
    /// committed to a new repository. Same files, same commit id: author, committer and dates are fixed.</summary>
    public static void CopyCheckout(string from, string to)
    {
        var files = Dotnet.Exec(from, null, "git", "ls-files", "-z", "--cached", "--others", "--exclude-standard").EnsureSuccess();
        foreach (var file in files.Output.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            string source = Path.Combine(from, file);
            if (!File.Exists(source)) continue; // deleted in the working tree
            string target = Path.Combine(to, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(source, target);
        }
        var git = new Dictionary<string, string?>
        {
            ["GIT_AUTHOR_NAME"] = "test", ["GIT_AUTHOR_EMAIL"] = "test@localhost", ["GIT_AUTHOR_DATE"] = "2026-01-01T00:00:00Z",
            ["GIT_COMMITTER_NAME"] = "test", ["GIT_COMMITTER_EMAIL"] = "test@localhost", ["GIT_COMMITTER_DATE"] = "2026-01-01T00:00:00Z",
            ["GIT_CONFIG_GLOBAL"] = "/dev/null", ["GIT_CONFIG_NOSYSTEM"] = "1",
        };
        Dotnet.Exec(to, git, "git", "init", "-q", "-b", "main").EnsureSuccess();
        Dotnet.Exec(to, git, "git", "add", "-A").EnsureSuccess();
        Dotnet.Exec(to, git, "git", "commit", "-q", "-m", "snapshot").EnsureSuccess();
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

/// <summary>One install for all package tests: README's commands pack and restore from scratch, which takes minutes.</summary>
[CollectionDefinition(Name)]
public sealed class PackedFeedCollection : ICollectionFixture<PackedFeed>
{
    public const string Name = "README's install";
}
