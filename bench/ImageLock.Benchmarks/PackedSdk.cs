namespace ImageLock.Benchmarks;

/// <summary>
/// Benchmark 6's setup, shared by BuildTime and CscCpu: ImageLock.Sdk packed from this checkout into a feed of its
/// own, consumers restored against it, and the three analyzer configurations they compare.
/// </summary>
internal sealed record PackedSdk(string Feed, string Version, Dictionary<string, string?> Env)
{
    internal sealed record Config(string Name, string[] Properties);

    public static readonly Config[] Configs =
    [
        new("no analyzers", ["-p:RunAnalyzers=false"]),               // csc /skipanalyzers: the generator still runs
        new("SDK's analyzers only", ["-p:ImageLockAnalyzers=false"]), // the consumer's target removes ImageLock's
        new("SDK's + ImageLock's", []),                               // what a user gets
    ];

    /// <summary>Packs src/Sdk into <paramref name="temp"/>/feed and says what was packed.</summary>
    public static PackedSdk Pack(string root, DirectoryInfo temp)
    {
        string feed = Path.Combine(temp.FullName, "feed");
        BuildTime.Exec(root, null, "dotnet", "pack", "src/Sdk", "-c", "Release", "-o", feed, "-nologo", "-v", "q").Require();
        string version = Path.GetFileNameWithoutExtension(Directory.GetFiles(feed, "ImageLock.Sdk.*.nupkg")
            .Single(f => !f.EndsWith(".snupkg", StringComparison.Ordinal)))["ImageLock.Sdk.".Length..];
        Console.WriteLine($"// ImageLock.Sdk {version} packed from {root} at {BuildTime.GitHead(root)}; {Environment.ProcessorCount} CPUs");
        // A package cache of our own, so a package of the same version packed earlier cannot be what is measured.
        return new(feed, version, new() { ["NUGET_PACKAGES"] = Path.Combine(temp.FullName, "packages") });
    }

    /// <summary>A restored consumer with <paramref name="methods"/> annotated methods; its project directory.</summary>
    public string Consumer(string directory, int methods)
    {
        string project = BuildTime.WriteConsumer(directory, methods, Feed, Version);
        BuildTime.Exec(project, Env, "dotnet", "restore", "-nologo", "-v", "q").Require();
        return project;
    }

    /// <summary>A markdown table after a blank line, as docs/benchmarks.md keeps it.</summary>
    public static void PrintTable(string header, string alignment, IEnumerable<string> rows)
    {
        Console.WriteLine();
        Console.WriteLine(header);
        Console.WriteLine(alignment);
        foreach (var row in rows) Console.WriteLine(row);
    }
}
