using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace ImageLock.Analyzers.Tests;

/// <summary>CSharpCodeFixTest wired to the offline references; tests use it through a per-class `Verify` alias.</summary>
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
}

/// <summary>Entry points shaped like CSharpCodeFixVerifier, but over <see cref="ImageLockTest{TAnalyzer,TCodeFix}"/>.</summary>
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

    /// <summary>With a second file standing in for generator output (marked auto-generated).</summary>
    public static Task VerifyAnalyzerAsync(string source, string? generated, params DiagnosticResult[] expected)
    {
        var test = new ImageLockTest<TAnalyzer, TCodeFix> { TestCode = source };
        if (generated is not null) test.TestState.Sources.Add(("Generated.g.cs", generated));
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    public static Task VerifyCodeFixAsync(string source, string fixedSource, params DiagnosticResult[] expected)
    {
        var test = new ImageLockTest<TAnalyzer, TCodeFix> { TestCode = source, FixedCode = fixedSource };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }
}
