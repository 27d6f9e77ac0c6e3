using System.Text.RegularExpressions;

namespace ImageLock.Package.Tests;

/// <summary>
/// docs/benchmarks.md's "How to rerun", the commands that are not timing runs, exactly as written (taken from the doc at
/// test time) in a copy of the checkout: the Release build, the <c>cd</c>, <c>--fcntl-table</c> (it rewrites the
/// doc's table, which must come out unchanged: the call counts are exact) and <c>../strace-crosscheck.sh</c>, whose
/// counts from strace must be the table's. The timing runs are marked in the doc as not run by the tests.
/// </summary>
public sealed partial class BenchmarkCommandsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("imagelock-bench-").FullName;

    private static readonly Func<string, bool>[] Covered =
    [
        c => c.StartsWith("dotnet build ", StringComparison.Ordinal),
        c => c.StartsWith("cd ", StringComparison.Ordinal),
        c => c.Contains("--fcntl-table", StringComparison.Ordinal),
        c => c == "../strace-crosscheck.sh",
    ];

    [ToolsFact("strace")]
    public void Build_fcntl_table_and_strace_crosscheck_run_as_written_and_agree_with_the_doc()
    {
        string checkout = Path.Combine(_root, "imagelock-sdk");
        PackedFeed.CopyCheckout(Dotnet.RepositoryRoot, checkout);
        string doc = Path.Combine(checkout, "docs", "benchmarks.md");
        string before = File.ReadAllText(doc);
        var lines = DocCommands.Of(checkout, "docs/benchmarks.md").Where(c => c.Section == "How to rerun")
            .Select(c => c.Line).Where(l => Covered.Any(covered => covered(DocCommands.WithoutComment(l)))).ToList();
        Assert.Equal(Covered.Length, lines.Count);

        var run = Dotnet.Exec(checkout, null, "bash", "-euo", "pipefail", "-c", string.Join("\n", lines)).EnsureSuccess();

        Assert.Contains("all 256 combinations ok", run.Output);
        Assert.Equal(before, File.ReadAllText(doc));
        var counts = StraceLine().Matches(run.Output);
        Assert.True(counts.Count >= 4, run.Output);
        foreach (Match count in counts)
        {
            string perm = Names(count.Groups["perm"].Value), unshare = Names(count.Groups["unshare"].Value);
            var row = Regex.Match(before, $@"(?m)^\| {Regex.Escape(perm)} \| {Regex.Escape(unshare)} \| [^|]+ \| (?<set>\d+)\+(?<get>\d+)=\d+ \| \d+ \| (?<unlck>\d+) \|");
            Assert.True(row.Success, $"benchmark 2's table has no row perm={perm} unshare={unshare}");
            Assert.Equal(row.Groups["set"].Value + "+" + row.Groups["get"].Value + " " + row.Groups["unlck"].Value,
                count.Groups["set"].Value + "+" + count.Groups["get"].Value + " " + count.Groups["unlck"].Value);
            Assert.Equal("0", count.Groups["other"].Value);
        }
    }

    /// <summary>The script's names as the table writes them: "all" is every permission.</summary>
    private static string Names(string list) => list == "all" ? "read,write,write-unchanged,resize" : list;

    [GeneratedRegex(@"perm=(?<perm>\S+) unshare=(?<unshare>\S+): acquire SETLK=(?<set>\d+) GETLK=(?<get>\d+) other fcntl=(?<other>\d+) \| release UNLCK=(?<unlck>\d+)")]
    private static partial Regex StraceLine();

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
