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

    public static Task VerifyAnalyzerAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new ImageLockTest<TAnalyzer, TCodeFix> { TestCode = source };
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
