namespace ImageLock.Package.Tests;

/// <summary>One shell command a reader may type: a line of a fenced <c>sh</c>/<c>bash</c>/<c>shell</c>/<c>console</c>
/// block (a line ending in <c>\</c> joined with the next), exactly as the file has it. Comment lines and blank lines
/// are not commands; in a <c>console</c> block only the <c>$ </c> lines are.</summary>
public sealed record DocCommand(string File, string Section, string Line);

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

    public static IEnumerable<DocCommand> All(string root) => Files(root).SelectMany(f => Of(root, f));

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
