using System.Text.RegularExpressions;

namespace ImageLock.Package.Tests;

/// <summary>One shell command a reader may type: a line of a fenced <c>sh</c>/<c>bash</c>/<c>shell</c>/<c>console</c>
/// block (a line ending in <c>\</c> joined with the next), exactly as the file has it. Comment lines and blank lines
/// are not commands; in a <c>console</c> block only the <c>$ </c> lines are. <paramref name="Inline"/>: a code span of
/// running text (see <see cref="DocCommands.IsInlineCommand"/>), not a line of a block.</summary>
public sealed record DocCommand(string File, string Section, string Line, bool Inline = false);

/// <summary>The shell commands of every markdown file of the repository a reader sees: README.md, docs/**/*.md and each
/// package's README (src/*/PACKAGE.md).</summary>
public static class DocCommands
{
    private static readonly string[] Shells = ["sh", "bash", "shell", "console"];

    /// <summary>The files, relative to <paramref name="root"/>, with '/' separators.</summary>
    public static IEnumerable<string> Files(string root) =>
        new[] { "README.md" }
            .Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories).Select(f => Relative(root, f)).Order(StringComparer.Ordinal))
            .Concat(Directory.GetFiles(Path.Combine(root, "src"), "PACKAGE.md", SearchOption.AllDirectories).Select(f => Relative(root, f)).Order(StringComparer.Ordinal));

    public static IEnumerable<DocCommand> All(string root) => Files(root).SelectMany(f => Of(root, f).Concat(InlineOf(root, f)));

    /// <summary>Programs the docs have a reader run; a code span starting with one of them is a command.</summary>
    private static readonly HashSet<string> Programs =
    [
        "imagelock", "dotnet", "qemu-img", "qemu-io", "qemu-system-x86_64", "qemu-storage-daemon", "qemu-nbd", "qemu-aarch64-static",
        "bash", "sh", "apt-get", "dpkg", "python3", "cp", "ls", "cat", "git", "strace", "flock", "lslocks",
    ];

    /// <summary>The rule for a code span of running text: it is a command when its first word is one of
    /// <see cref="Programs"/>, a path to a script (<c>./x</c>, <c>../x</c>, <c>dir/x.sh</c>) or an environment
    /// assignment (<c>NAME=value</c>), and at least one argument follows. So <c>imagelock status</c> counts (a reader
    /// may type it) and <c>imagelock</c> alone or <c>--fcntl-table</c> does not.</summary>
    public static bool IsInlineCommand(string span)
    {
        var words = span.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < 2) return false;
        string first = words[0];
        return Programs.Contains(first)
            || first.StartsWith("./", StringComparison.Ordinal) || first.StartsWith("../", StringComparison.Ordinal)
            || (first.Contains('/') && first.EndsWith(".sh", StringComparison.Ordinal))
            || Regex.IsMatch(first, "^[A-Z_][A-Z0-9_]*=");
    }

    /// <summary>The commands quoted in single backticks in running text (outside fenced blocks), in order; a span
    /// quoted twice in a file is one command.</summary>
    public static IEnumerable<DocCommand> InlineOf(string root, string file)
    {
        string section = "";
        bool fenced = false;
        var seen = new HashSet<string>();
        foreach (var line in File.ReadAllLines(Path.Combine(root, file)))
        {
            if (line.StartsWith("```", StringComparison.Ordinal)) { fenced = !fenced; continue; }
            if (fenced) continue;
            if (line.StartsWith("## ", StringComparison.Ordinal)) section = line[3..].Trim();
            foreach (Match span in Regex.Matches(line, "(?<!`)`([^`]+)`(?!`)"))
            {
                string text = span.Groups[1].Value.Trim();
                if (IsInlineCommand(text) && seen.Add(text)) yield return new DocCommand(file, section, text, Inline: true);
            }
        }
    }

    public static IEnumerable<DocCommand> Of(string root, string file)
    {
        foreach (var block in Markdown.Blocks(Path.Combine(root, file)).Where(b => Shells.Contains(b.Language)))
        {
            string pending = "";
            foreach (var raw in block.Code.TrimEnd('\n').Split('\n'))
            {
                string line = raw.TrimEnd();
                if (block.Language == "console")
                {
                    if (!line.StartsWith("$ ", StringComparison.Ordinal) && pending == "") continue;
                    if (pending == "") line = line[2..];
                }
                if (pending == "" && (line.Trim().Length == 0 || line.TrimStart().StartsWith('#'))) continue;
                if (line.EndsWith('\\')) { pending += line + "\n"; continue; }
                yield return new DocCommand(file, block.Section, pending + line);
                pending = "";
            }
        }
    }

    /// <summary>The command without its trailing comment (<c>  # …</c>).</summary>
    public static string WithoutComment(string line)
    {
        int hash = line.IndexOf("  #", StringComparison.Ordinal);
        return (hash < 0 ? line : line[..hash]).Trim();
    }

    private static string Relative(string root, string file) => Path.GetRelativePath(root, file).Replace('\\', '/');
}
