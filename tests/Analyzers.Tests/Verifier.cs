using System.Collections.Immutable;
using ImageLock.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace ImageLock.Analyzers.Tests;

/// <summary>
/// CSharpCodeFixTest wired to the offline references; tests use it through a per-class `Verify` alias.
/// With <see cref="AsUserBuild"/> the test runs as a user's build does: every ImageLock analyzer and the generator together.
/// </summary>
public sealed class ImageLockTest<TAnalyzer, TCodeFix> : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    public ImageLockTest()
    {
        // Pointer-parameter shapes need unsafe code.
        SolutionTransforms.Add((solution, projectId) =>
            solution.WithProjectCompilationOptions(projectId,
                ((Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions)solution.GetProject(projectId)!.CompilationOptions!).WithAllowUnsafe(true)));
        ReferenceAssemblies = TestReferences.None;
        TestState.AdditionalReferences.AddRange(TestReferences.All);
        FixedState.AdditionalReferences.AddRange(TestReferences.All);
    }

    /// <summary>
    /// All analyzers and the real generator. The other rules' errors stay on, so a diagnostic that contradicts the rule
    /// under test (IMGL0003 on what IMGL0008 asks for, a compiler error in generated code) fails the test; their
    /// warnings and infos are turned off, as each rule's own tests cover them.
    /// </summary>
    public bool AsUserBuild { get; init; }

    protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() =>
        AsUserBuild ? AllAnalyzers.Value : base.GetDiagnosticAnalyzers();

    protected override IEnumerable<Type> GetSourceGenerators() =>
        AsUserBuild ? [typeof(WrapperGenerator)] : base.GetSourceGenerators();

    /// <summary>Every analyzer the package ships, the one under test first.</summary>
    internal static readonly Lazy<ImmutableArray<DiagnosticAnalyzer>> AllAnalyzers = new(() =>
        [new TAnalyzer(), .. typeof(ImageLockAnalyzer).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t != typeof(TAnalyzer)
                && t.GetCustomAttributes(typeof(DiagnosticAnalyzerAttribute), false).Length > 0)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)]);

    /// <summary>Warnings and infos of rules other than the one under test.</summary>
    internal static IEnumerable<string> OtherRulesNotErrors()
    {
        var own = new TAnalyzer().SupportedDiagnostics.Select(d => d.Id).ToHashSet();
        return AllAnalyzers.Value.SelectMany(a => a.SupportedDiagnostics)
            .Where(d => !own.Contains(d.Id) && d.DefaultSeverity != DiagnosticSeverity.Error)
            .Select(d => d.Id).Distinct();
    }
}

/// <summary>Entry points shaped like CSharpCodeFixVerifier, but over <see cref="ImageLockTest{TAnalyzer,TCodeFix}"/>.</summary>
/// <remarks>Every verification runs twice: the rule alone, then as a user's build (all analyzers and the generator).</remarks>
public static class ImageLockVerifier<TAnalyzer, TCodeFix>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    /// <summary>Expected diagnostic; the attribute passed as additional location for fixes is asserted only where a test says so.</summary>
    public static DiagnosticResult Diagnostic(string id) =>
        new DiagnosticResult(id, new TAnalyzer().SupportedDiagnostics.First(d => d.Id == id).DefaultSeverity)
            .WithOptions(DiagnosticOptions.IgnoreAdditionalLocations);

    /// <summary>Expected diagnostic whose additional locations are compared too.</summary>
    public static DiagnosticResult DiagnosticWithAllLocations(string id) =>
        new DiagnosticResult(id, new TAnalyzer().SupportedDiagnostics.First(d => d.Id == id).DefaultSeverity);

    public static Task VerifyAnalyzerAsync(string source, params DiagnosticResult[] expected) =>
        VerifyAnalyzerAsync(source, null, expected);

    /// <summary>With a second file standing in for generator output (marked auto-generated); a user's build uses the real generator instead.</summary>
    public static async Task VerifyAnalyzerAsync(string source, string? generated, params DiagnosticResult[] expected)
    {
        foreach (bool asUserBuild in new[] { false, true })
        {
            var test = Create(asUserBuild);
            test.TestCode = source;
            if (generated is not null && !asUserBuild) test.TestState.Sources.Add(("Generated.g.cs", generated));
            test.ExpectedDiagnostics.AddRange(expected);
            await test.RunAsync();
        }
    }

    /// <summary>Several user files (Source0.cs, Source1.cs, …), each with its own markup.</summary>
    public static async Task VerifyAnalyzerInFilesAsync(string[] sources, params DiagnosticResult[] expected)
    {
        foreach (bool asUserBuild in new[] { false, true })
        {
            var test = Create(asUserBuild);
            for (int i = 0; i < sources.Length; i++) test.TestState.Sources.Add(($"Source{i}.cs", sources[i]));
            test.ExpectedDiagnostics.AddRange(expected);
            await test.RunAsync();
        }
    }

    public static async Task VerifyCodeFixAsync(string source, string fixedSource, params DiagnosticResult[] expected)
    {
        foreach (bool asUserBuild in new[] { false, true })
        {
            var test = Create(asUserBuild);
            test.TestCode = source;
            test.FixedCode = fixedSource;
            test.ExpectedDiagnostics.AddRange(expected);
            await test.RunAsync();
        }
    }

    private static ImageLockTest<TAnalyzer, TCodeFix> Create(bool asUserBuild)
    {
        var test = new ImageLockTest<TAnalyzer, TCodeFix> { AsUserBuild = asUserBuild };
        if (asUserBuild)
        {
            test.TestBehaviors |= TestBehaviors.SkipGeneratedSourcesCheck;
            test.DisabledDiagnostics.AddRange(ImageLockTest<TAnalyzer, TCodeFix>.OtherRulesNotErrors());
        }
        return test;
    }
}
