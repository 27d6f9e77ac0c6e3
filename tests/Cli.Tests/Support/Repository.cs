using System.Reflection;

namespace ImageLock.Cli.Tests.Support;

/// <summary>The checkout these tests were built from (the project's RepositoryRoot metadata): packaging/ lives there.</summary>
internal static class Repository
{
    public static string Root { get; } = typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;

    public static string File(string relativePath) => Path.Combine(Root, relativePath);
}
