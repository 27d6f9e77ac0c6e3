using System.Text.RegularExpressions;

namespace ImageLock.Package.Tests;

/// <summary>
/// README's "Try it" demos, run exactly as README writes them (taken from README.md at test time) in a fresh copy of the
/// checkout with an empty NuGet cache, and samples/HelloImage run the same way: what a newcomer types first.
/// </summary>
[Collection(PackedFeedCollection.Name)]
public sealed partial class ReadmeTryItTests(PackedFeed feed)
{
    /// <summary>The <c>dotnet run</c> commands of "Try it": its shell block's lines and the ones its text quotes.
    /// (`dotnet test` and `bash .ci/run` are the test suite itself, run by CI.)</summary>
    private List<string> DemoCommands()
    {
        string readme = Path.Combine(feed.Checkout, "README.md");
        var lines = Markdown.Blocks(readme).Where(b => b.Section == "Try it" && b.Language == "sh")
            .SelectMany(b => b.Code.Split('\n')).Where(l => l.StartsWith("dotnet run ", StringComparison.Ordinal));
        var quoted = QuotedRun().Matches(Markdown.Section(readme, "Try it")).Select(m => m.Groups[1].Value);
        return lines.Concat(quoted).ToList();
    }

    [Fact]
    public void Readme_runs_the_cli_demo_and_the_backup_tool_as_written()
    {
        var commands = DemoCommands();
        string cli = Assert.Single(commands, c => c.StartsWith("dotnet run --project src/Cli -- demo", StringComparison.Ordinal));
        string backup = Assert.Single(commands, c => c.StartsWith("dotnet run --project samples/BackupTool", StringComparison.Ordinal));

        var demo = Shell(cli);
        Assert.True(demo.ExitCode == 0, demo.Output);
        Assert.Contains("Failed to get \"write\" lock", demo.Output);
        Assert.Matches(@"held by pid \d+ fd \d+ \(.*imagelock demo\): perm=read unshare=write,resize", demo.Output);
        Assert.DoesNotContain("Stopped naming", demo.Output);
        Assert.Contains("unshare=write,resize", demo.Output);

        var tool = Shell(backup);
        Assert.True(tool.ExitCode == 0, tool.Output);
        Assert.Contains("(verified)", tool.Output);
        Assert.Contains("refused, and backup-2.raw was never created", tool.Output);
    }

    /// <summary>samples/HelloImage prints permissions as QEMU and `imagelock status` name them (perm=write
    /// unshare=resize), never as C# enum members.</summary>
    [Fact]
    public void HelloImage_runs_and_names_permissions_as_qemu_does()
    {
        var run = Shell("dotnet run --project samples/HelloImage");

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("body: holding perm=write unshare=resize on disk.raw", run.Output);
        Assert.Contains("body: a probe from another descriptor sees perm=write unshare=resize", run.Output);
        Assert.Contains("read back: \"hello, image\"", run.Output);
        Assert.Contains("while another lease unshares write: Failed to get \"write\" lock", run.Output);
        Assert.DoesNotMatch(EnumName(), run.Output);
    }

    private Run Shell(string command) => Dotnet.Exec(feed.Checkout, feed.Environment, "bash", "-c", command);

    [GeneratedRegex(@"`(dotnet run [^`]+)`")]
    private static partial Regex QuotedRun();

    [GeneratedRegex(@"\b(Perm|Unshare)\.|=(Read|Write|WriteUnchanged|ConsistentRead|Resize|None)\b")]
    private static partial Regex EnumName();
}
