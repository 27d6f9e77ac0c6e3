using System.Reflection;
using System.Runtime.CompilerServices;
using ImageLock.Generators;

namespace ImageLock.Generators.Tests.Support;

/// <summary>
/// Compares generated files with the checked-in expectations under Baselines/&lt;test&gt;/&lt;hint name&gt;.txt:
/// the same set of files and the same text, the generator's version written as %VERSION%.
/// Rewrites them instead when IMAGELOCK_UPDATE_BASELINES=1 or the tests were built with /p:UpdateBaselines=true.
/// </summary>
internal static class Baselines
{
    public const string VersionToken = "%VERSION%";

    public static void Verify(IReadOnlyDictionary<string, string> generated, [CallerMemberName] string testName = "")
    {
        string directory = Path.Combine(ProjectDirectory, "Baselines", testName);
        var actual = generated.ToDictionary(
            kv => kv.Key + ".txt",
            kv => Normalize(kv.Value).Replace(WrapperGenerator.Emitter.Version, VersionToken),
            StringComparer.Ordinal);

        if (UpdateRequested)
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
            Directory.CreateDirectory(directory);
            foreach (var (name, text) in actual) File.WriteAllText(Path.Combine(directory, name), text);
            return;
        }

        Assert.True(Directory.Exists(directory), $"No baselines for {testName}; run with IMAGELOCK_UPDATE_BASELINES=1 to create them.");
        var expectedNames = Directory.GetFiles(directory, "*.txt").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expectedNames, actual.Keys.Order(StringComparer.Ordinal).ToArray());
        foreach (var (name, text) in actual)
            Assert.Equal(Normalize(File.ReadAllText(Path.Combine(directory, name))), text);
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n");

    private static bool UpdateRequested =>
        Environment.GetEnvironmentVariable("IMAGELOCK_UPDATE_BASELINES") == "1" || Metadata("ImageLock.UpdateBaselines") == "true";

    private static string ProjectDirectory =>
        Metadata("ImageLock.TestProjectDirectory") ?? throw new InvalidOperationException("the test project directory is not stamped into the assembly");

    private static string? Metadata(string key) =>
        typeof(Baselines).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value;
}
