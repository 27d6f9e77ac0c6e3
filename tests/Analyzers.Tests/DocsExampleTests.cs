using System.Text.RegularExpressions;
using ImageLock.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ImageLock.Analyzers.Tests;

/// <summary>
/// Every C# example in docs/diagnostics compiles as a user's build does (the generator and all analyzers, nullable on)
/// and produces exactly the diagnostics its page states: one <c>// IMGLnnnn</c> comment per diagnostic, next to the code
/// that gets it (a rule may report on the method name while the comment sits on its attribute), and no compiler warnings.
/// </summary>
public partial class DocsExampleTests
{
    private const string Prelude = """
        using System;
        using System.Collections.Generic;
        using System.Diagnostics.CodeAnalysis;
        using System.IO;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using ImageLock;

        """;

    private static readonly string DocsDirectory = Path.Combine(AppContext.BaseDirectory, "diagnostics-docs");

    public static TheoryData<string, int> Examples()
    {
        var data = new TheoryData<string, int>();
        foreach (var page in Directory.GetFiles(DocsDirectory, "*.md").Order(StringComparer.Ordinal))
            for (int i = 0; i < Blocks(File.ReadAllText(page)).Count; i++)
                data.Add(Path.GetFileName(page), i);
        return data;
    }

    [Fact]
    public void Every_rule_page_has_examples() =>
        Assert.All(Directory.GetFiles(DocsDirectory, "IMGL*.md"), page => Assert.NotEmpty(Blocks(File.ReadAllText(page))));

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task The_example_produces_exactly_the_diagnostics_its_page_states(string page, int index)
    {
        string example = Blocks(File.ReadAllText(Path.Combine(DocsDirectory, page)))[index];
        bool topLevel = TypeDeclaration().IsMatch(example);
        string source = Prelude + (topLevel ? example : "public partial class Example\n{\n" + example + "\n}\n");

        var expected = example.Split('\n')
            .SelectMany(line => StatedIds().Matches(line).Select(m => m.Groups[1].Value))
            .Order(StringComparer.Ordinal).ToArray();

        var actual = (await Diagnostics(source))
            .Where(d => d.Id.StartsWith("IMGL", StringComparison.Ordinal) ? d.Severity >= DiagnosticSeverity.Info : d.Severity >= DiagnosticSeverity.Warning)
            .Select(d => d.Id.StartsWith("IMGL", StringComparison.Ordinal) ? d.Id : d.ToString())
            .Order(StringComparer.Ordinal).ToArray();

        Assert.True(expected.SequenceEqual(actual),
            $"{page}, example {index + 1}:\nstated:   {string.Join(", ", expected)}\nproduced: {string.Join(", ", actual)}\n" +
            string.Join("\n", (await Diagnostics(source)).Select(d => d.ToString())));
    }

    /// <summary>The generator, then all analyzers, on the example — what `dotnet build` of a user's project runs.</summary>
    private static async Task<IEnumerable<Diagnostic>> Diagnostics(string source)
    {
        var compilation = CSharpCompilation.Create("Docs",
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.CSharp12), "Example.cs")],
            TestReferences.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary)
                .WithNullableContextOptions(NullableContextOptions.Enable)
                .WithSpecificDiagnosticOptions([new("CS1701", ReportDiagnostic.Suppress), new("CS1702", ReportDiagnostic.Suppress)]));
        CSharpGeneratorDriver.Create(new WrapperGenerator()).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        var analyzers = ImageLockTest<PermissionAnalyzer, Microsoft.CodeAnalysis.Testing.EmptyCodeFixProvider>.AllAnalyzers.Value;
        var analyzed = await output.WithAnalyzers(analyzers).GetAllDiagnosticsAsync();
        return generatorDiagnostics.Concat(analyzed);
    }

    private static List<string> Blocks(string markdown) =>
        CSharpBlock().Matches(markdown.Replace("\r\n", "\n")).Select(m => m.Groups[1].Value).ToList();

    [GeneratedRegex(@"^```csharp\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    // "// IMGL0002: …" states a diagnostic; "// no IMGL0002: guarded" does not.
    [GeneratedRegex(@"//\s*(IMGL\d{4})\b")]
    private static partial Regex StatedIds();

    [GeneratedRegex(@"^(\[.*\]\s*)?((public|internal|static|partial|abstract|sealed|readonly)\s+)*(class|interface|struct|record|enum)\s", RegexOptions.Multiline)]
    private static partial Regex TypeDeclaration();
}
