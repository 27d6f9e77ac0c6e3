using System.Text.RegularExpressions;

namespace ImageLock.Package.Tests;

/// <summary>
/// Every shell command of README.md, docs/**/*.md and src/*/PACKAGE.md, in a fenced block or quoted in running text
/// (<see cref="DocCommands.IsInlineCommand"/>), is run by a test, or CI runs it, or the doc says
/// beside it that the tests do not run it: <c>doc-commands.txt</c> lists each command line, by file and exact text,
/// with what runs it. A command added to a doc and not to the list fails here, and so does a listed line no doc has
/// any more (an edited command), so the docs cannot drift from what the tests run.
/// </summary>
public sealed partial class DocCommandsTests
{
    private static readonly string Root = Dotnet.RepositoryRoot;
    private static readonly string Inventory = Path.Combine(Root, "tests", "Package.Tests", "doc-commands.txt");

    /// <summary>An entry of doc-commands.txt: FILE | COVERAGE, then the file's command lines it covers.</summary>
    private sealed record Entry(string File, string Coverage, string Line);

    private static List<Entry> Entries()
    {
        var entries = new List<Entry>();
        string? file = null, coverage = null;
        string pending = ""; // a command continued with '\' on the next lines, as in the doc
        foreach (var line in File.ReadAllLines(Inventory))
        {
            if (pending != "") { pending += "\n" + line; if (!line.EndsWith('\\')) { entries.Add(new Entry(file!, coverage!, pending)); pending = ""; } continue; }
            if (line.Length == 0) { file = coverage = null; continue; }
            if (file is null)
            {
                if (line.StartsWith("//", StringComparison.Ordinal)) continue;
                var header = Header().Match(line);
                Assert.True(header.Success, $"doc-commands.txt: '{line}' is not 'FILE | test CLASS', 'FILE | ci SCRIPT', 'FILE | not run' or 'FILE | mention'");
                (file, coverage) = (header.Groups["file"].Value, header.Groups["coverage"].Value);
                continue;
            }
            if (line.EndsWith('\\')) pending = line;
            else entries.Add(new Entry(file, coverage!, line));
        }
        return entries;
    }

    [GeneratedRegex(@"^(?<file>\S+\.md) \| (?<coverage>test \w+|ci \S+|not run|mention)$")]
    private static partial Regex Header();

    [Fact]
    public void Every_doc_command_is_listed_and_every_listed_command_is_in_a_doc()
    {
        var inDocs = DocCommands.All(Root).Select(c => c.File + " | " + c.Line).ToList();
        var listed = Entries().Select(e => e.File + " | " + e.Line).ToList();

        var unlisted = inDocs.Except(listed).ToList();
        var stale = listed.Except(inDocs).ToList();
        Assert.True(unlisted.Count == 0 && stale.Count == 0,
            "tests/Package.Tests/doc-commands.txt is out of date. Commands in the docs that it does not list (add each under " +
            "the test that runs it verbatim, or mark it 'not run' and say why in the doc):\n  " + string.Join("\n  ", unlisted) +
            "\nListed commands no doc has (changed or removed):\n  " + string.Join("\n  ", stale));
        Assert.Equal(listed.Count, listed.Distinct().Count());
    }

    /// <summary>A covering test exists and reads the doc it runs (its source names the file), a covering CI script
    /// runs the command, a command not run is said to be so in its section of the doc, and a mention is a span of
    /// running text (a fenced line is always a line to type).</summary>
    [Fact]
    public void Every_coverage_is_real()
    {
        var sources = Directory.GetFiles(Path.Combine(Root, "tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .ToDictionary(f => f, File.ReadAllText);
        var commands = DocCommands.All(Root).ToList();
        foreach (var entry in Entries())
        {
            string where = $"doc-commands.txt: {entry.File} | {entry.Coverage}: {entry.Line}";
            switch (entry.Coverage.Split(' ', 2))
            {
                case ["test", var name]:
                    var source = sources.Where(s => Regex.IsMatch(s.Value, $@"\bclass {name}\b")).Select(s => s.Value).SingleOrDefault();
                    Assert.True(source is not null, $"{where}: no test class {name} under tests/");
                    Assert.True(source.Contains(Path.GetFileName(entry.File), StringComparison.Ordinal),
                        $"{where}: {name} does not read {entry.File}, so it cannot run its commands as written");
                    break;
                case ["ci", var script]:
                    Assert.True(File.Exists(Path.Combine(Root, script)), $"{where}: no {script}");
                    Assert.True(File.ReadAllText(Path.Combine(Root, script)).Contains(DocCommands.WithoutComment(entry.Line), StringComparison.Ordinal),
                        $"{where}: {script} does not run `{DocCommands.WithoutComment(entry.Line)}`");
                    break;
                case ["mention"]:
                    Assert.True(commands.Any(c => c.File == entry.File && c.Line == entry.Line && c.Inline) || !commands.Any(c => c.File == entry.File && c.Line == entry.Line),
                        $"{where}: a fenced command line is something to type, not a mention");
                    break;
                default:
                    var command = commands.FirstOrDefault(c => c.File == entry.File && c.Line == entry.Line);
                    if (command is null) continue; // reported by the other test
                    string path = Path.Combine(Root, entry.File);
                    string text = command.Section == "" ? File.ReadAllText(path) : Markdown.Section(path, command.Section);
                    Assert.True(Regex.Replace(text, @"\s+", " ").Contains("not run by the tests", StringComparison.Ordinal),
                        $"{where}: its section '{command.Section}' does not say it is not run by the tests, and why");
                    break;
            }
        }
    }
}
