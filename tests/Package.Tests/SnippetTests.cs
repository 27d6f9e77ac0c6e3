using System.Text.RegularExpressions;

namespace ImageLock.Package.Tests;

/// <summary>
/// Every C# snippet of README.md, docs/*.md and the package READMEs compiles against the package as shown: the snippets
/// of one section form one project, built by a consumer of the packed ImageLock.Sdk. A diagnostic the text promises
/// (a block like <c>error IMGL0001: …</c>) must come out of the build, after the edit the text describes
/// ("Add `CODE` after `ANCHOR`"). Blocks marked <c>```csharp fragment</c> are excerpts and are not compiled.
/// </summary>
[Collection(PackedFeedCollection.Name)]
public sealed partial class SnippetTests(PackedFeed feed)
{
    public static TheoryData<string, string> Sections()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in Markdown.UserDocs(Dotnet.RepositoryRoot))
            foreach (var section in Markdown.Blocks(file).Where(IsCompiled).Select(b => b.Section).Distinct())
                data.Add(Path.GetRelativePath(Dotnet.RepositoryRoot, file), section);
        return data;
    }

    private static bool IsCompiled(CodeBlock block) => block.Language == "csharp" && !block.IsFragment;

    [Theory, MemberData(nameof(Sections))]
    public void Snippets_compile_and_give_the_promised_diagnostics(string file, string section)
    {
        string path = Path.Combine(feed.Checkout, file);
        var blocks = Markdown.Blocks(path).Where(b => b.Section == section).ToList();
        var snippets = blocks.Where(IsCompiled).Select(b => b.Code).ToList();
        var consumer = Write(new Consumer(feed, "Snippets" + Math.Abs(StringComparer.Ordinal.GetHashCode(file + section))), snippets);
        consumer.Build().EnsureSuccess();

        var promised = blocks.Where(b => b.Info == "").SelectMany(b => b.Code.Split('\n'))
            .Where(line => PromisedDiagnostic().IsMatch(line)).ToList();
        if (promised.Count == 0) return;
        var edit = Edit().Match(Markdown.Section(path, section));
        Assert.True(edit.Success, $"{file} § {section} promises {promised[0]} but describes no edit (\"Add `CODE` after `ANCHOR`\")");
        string code = edit.Groups["code"].Value, anchor = edit.Groups["anchor"].Value;
        int target = snippets.FindIndex(s => s.Contains(anchor, StringComparison.Ordinal));
        Assert.True(target >= 0, $"no snippet of {file} § {section} contains `{anchor}`");
        snippets[target] = snippets[target].Replace(anchor, anchor + " " + code, StringComparison.Ordinal);
        var build = Write(consumer, snippets).Build();

        Assert.NotEqual(0, build.ExitCode);
        foreach (var diagnostic in promised) Assert.Contains(diagnostic, build.Output);
    }

    private static Consumer Write(Consumer consumer, List<string> snippets)
    {
        for (int i = 0; i < snippets.Count; i++) consumer.Write($"Snippet{i}.cs", snippets[i]);
        // A project needs one entry point; a section of declarations only gets an empty one.
        if (!snippets.Any(IsProgram)) consumer.Write("Program.cs", "return;\n");
        return consumer;
    }

    /// <summary>Top-level statements: a line at column 0 that is not a using, a declaration, a comment or a brace.</summary>
    private static bool IsProgram(string snippet) => snippet.Split('\n').Any(line =>
        line.Length > 0 && !char.IsWhiteSpace(line[0]) && !Declaration().IsMatch(line));

    [GeneratedRegex(@"^(using [\w.]+;|namespace |(public |internal |static |sealed |abstract |partial )*(class|struct|record|interface|enum) |\[|\{|\}|//|#)")]
    private static partial Regex Declaration();

    [GeneratedRegex(@"^(error|warning) IMGL\d{4}: ")]
    private static partial Regex PromisedDiagnostic();

    [GeneratedRegex(@"Add `(?<code>[^`]+)` after `(?<anchor>[^`]+)`")]
    private static partial Regex Edit();
}
