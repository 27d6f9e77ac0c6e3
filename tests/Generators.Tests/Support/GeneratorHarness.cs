using System.Collections.Immutable;
using Basic.Reference.Assemblies;
using ImageLock.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ImageLock.Generators.Tests.Support;

/// <summary>Builds real compilations (net9.0 reference assemblies + the real ImageLock.Sdk.dll) and runs the generator on them.</summary>
internal static class GeneratorHarness
{
    /// <summary>C# 13, and XML doc comments checked, so a cref that does not bind fails the zero-diagnostics assertion.</summary>
    public static readonly CSharpParseOptions ParseOptions =
        new(LanguageVersion.CSharp13, DocumentationMode.Diagnose);

    private static readonly ImmutableArray<MetadataReference> References =
        [.. Net90.References.All, MetadataReference.CreateFromFile(typeof(ImageLease).Assembly.Location)];

    public static CSharpCompilation Compile(params string[] sources) =>
        CSharpCompilation.Create(
            "UserCode",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"User{i}.cs")),
            References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary)
                .WithNullableContextOptions(NullableContextOptions.Enable)
                .WithAllowUnsafe(true)
                .WithWarningLevel(9999)
                // Test sources are not documented; generated members are (inheritdoc), and their crefs are still checked.
                // CS1701/CS1702 (ImageLock.Sdk is built against net8.0's System.Runtime): the SDK's default NoWarn.
                .WithSpecificDiagnosticOptions([
                    new("CS1591", ReportDiagnostic.Suppress),
                    new("CS1701", ReportDiagnostic.Suppress),
                    new("CS1702", ReportDiagnostic.Suppress)]));

    public static GeneratorDriver CreateDriver(bool trackSteps = false) =>
        CSharpGeneratorDriver.Create(
            [new WrapperGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    /// <summary>Runs the generator once; returns its result and the compilation with the generated trees added.</summary>
    public static (GeneratorDriverRunResult Result, Compilation Output) Run(params string[] sources)
    {
        var input = Compile(sources);
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(input, out var output, out var generatorDiagnostics);
        Assert.Empty(generatorDiagnostics);
        return (driver.GetRunResult(), output);
    }

    /// <summary>Warnings and errors of a compilation, generated code included, as readable lines.</summary>
    public static string[] Problems(Compilation compilation) =>
        compilation.GetDiagnostics()
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .Select(d => d.ToString())
            .ToArray();

    /// <summary>Fails with every warning and error, in full, unless there are none.</summary>
    public static void AssertClean(Compilation compilation)
    {
        var problems = Problems(compilation);
        Assert.True(problems.Length == 0, string.Join("\n", problems));
    }

    /// <summary>The generated files by hint name.</summary>
    public static IReadOnlyDictionary<string, string> Generated(GeneratorDriverRunResult result) =>
        result.Results.SelectMany(r => r.GeneratedSources)
            .ToDictionary(s => s.HintName, s => s.SourceText.ToString(), StringComparer.Ordinal);
}
