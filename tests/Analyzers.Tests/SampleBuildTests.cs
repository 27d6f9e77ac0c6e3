using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ImageLock.Analyzers.Tests;

/// <summary>
/// End to end: the analyzer, referenced the way samples/HelloImage references it, fails a real `dotnet build` on a
/// misuse. The sample is copied to a temp directory (with the repo's Directory.*.props) and its relative
/// ProjectReferences are made absolute, so nothing in the repo is modified.
/// </summary>
public class SampleBuildTests
{
    private const string Misuse = """
        using ImageLock;

        namespace HelloImage;

        public static partial class Misuse
        {
            [RequiresImageAccess(Perm.Read, Unshare.Write)]
            public static void Truncate(ImageAccess image) => image.SetLength(0);
        }
        """;

    [Fact]
    public async Task Building_the_sample_with_a_misuse_fails_with_IMGL0001()
    {
        string repo = RepoRoot();
        string sample = Path.Combine(repo, "samples", "HelloImage");
        Assert.True(File.Exists(Path.Combine(sample, "HelloImage.csproj")), "samples/HelloImage is missing");

        string work = Directory.CreateTempSubdirectory("imagelock-sample-").FullName;
        try
        {
            string copy = Path.Combine(work, "HelloImage");
            CopySources(sample, copy);
            foreach (var props in new[] { "Directory.Build.props", "Directory.Packages.props" })
                File.Copy(Path.Combine(repo, props), Path.Combine(work, props));
            string project = Path.Combine(copy, "HelloImage.csproj");
            File.WriteAllText(project, AbsoluteReferences(File.ReadAllText(project), sample));
            File.WriteAllText(Path.Combine(copy, "Misuse.cs"), Misuse);

            var (exitCode, output) = await RunAsync("dotnet", $"build \"{project}\" -nodeReuse:false", copy);

            Assert.NotEqual(0, exitCode);
            Assert.Matches(@"Misuse\.cs\(8,\d+\): error IMGL0001: 'SetLength' requires Perm\.Resize", output);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static string AbsoluteReferences(string csproj, string sampleDirectory) =>
        Regex.Replace(csproj, "Include=\"(\\.\\./[^\"]+)\"",
            m => $"Include=\"{Path.GetFullPath(Path.Combine(sampleDirectory, m.Groups[1].Value))}\"");

    private static void CopySources(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(from, file);
            if (relative.StartsWith("bin" + Path.DirectorySeparatorChar) || relative.StartsWith("obj" + Path.DirectorySeparatorChar)) continue;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(to, relative))!);
            File.Copy(file, Path.Combine(to, relative));
        }
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ImageLockSdk.sln"))) return dir.FullName;
        throw new InvalidOperationException("ImageLockSdk.sln not found above " + AppContext.BaseDirectory);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string arguments, string directory)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
