namespace ImageLock.Package.Tests;

/// <summary>One fenced code block of a markdown file: the <c>##</c> section it stands in, its info string, its text.</summary>
public sealed record CodeBlock(string File, string Section, string Info, string Code)
{
    /// <summary>The language: the info string's first word (GitHub ignores the rest).</summary>
    public string Language => Info.Split(' ', 2)[0];

    /// <summary>```csharp fragment: an excerpt that is not meant to compile on its own (generated code, say).</summary>
    public bool IsFragment => Info.Split(' ').Contains("fragment");
}

/// <summary>Reads the repository's markdown as a reader sees it, so tests run exactly what it says.</summary>
public static class Markdown
{
    /// <summary>The files a user reads: README.md, docs/*.md (the rule pages under docs/diagnostics have their own
    /// tests) and each package's README (PACKAGE.md).</summary>
    public static IEnumerable<string> UserDocs(string root) =>
        new[] { Path.Combine(root, "README.md") }
            .Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Order(StringComparer.Ordinal))
            .Concat(Directory.GetFiles(Path.Combine(root, "src"), "PACKAGE.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal));

    public static IReadOnlyList<CodeBlock> Blocks(string file)
    {
        var blocks = new List<CodeBlock>();
        string section = "";
        string? info = null;
        var code = new List<string>();
        foreach (var line in File.ReadAllLines(file))
        {
            if (info is null && line.StartsWith("## ", StringComparison.Ordinal)) section = line[3..].Trim();
            else if (line.StartsWith("```", StringComparison.Ordinal))
            {
                if (info is null) { info = line[3..].Trim(); code.Clear(); }
                else { blocks.Add(new CodeBlock(file, section, info, string.Join('\n', code) + "\n")); info = null; }
            }
            else if (info is not null) code.Add(line);
        }
        return blocks;
    }

    /// <summary>The text of a section (between its <c>##</c> heading and the next one).</summary>
    public static string Section(string file, string section)
    {
        var text = File.ReadAllText(file);
        int start = text.IndexOf("\n## " + section + "\n", StringComparison.Ordinal);
        if (start < 0) throw new InvalidOperationException($"{file} has no section '{section}'");
        int end = text.IndexOf("\n## ", start + 4, StringComparison.Ordinal);
        return end < 0 ? text[start..] : text[start..end];
    }
}
