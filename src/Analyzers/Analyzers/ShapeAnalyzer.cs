using System.Collections.Immutable;
using ImageLock.Analyzers.Common;
using ImageLock.Analyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ImageLock.Analyzers;

/// <summary>
/// IMGL0003: explains every [RequiresImageAccess] method the generator silently skips. The checks mirror
/// src/Generators (WrapperGenerator.Parser Shapes and Collisions); see ShapeRules for the list.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ShapeAnalyzer : ImageLockAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.InvalidShape);

    private protected override void Register(CompilationStartAnalysisContext start, KnownSymbols symbols)
    {
        var compilation = start.Compilation;
        start.RegisterSymbolAction(c => Analyze(c, symbols, compilation), SymbolKind.Method);
    }

    private static void Analyze(SymbolAnalysisContext context, KnownSymbols symbols, Compilation compilation)
    {
        var method = (IMethodSymbol)context.Symbol;
        if (symbols.FindAttribute(method) is null) return;
        if (ShapeRules.Find(method, symbols, compilation, context.CancellationToken) is not { } problem) return;

        var properties = ImmutableDictionary<string, string?>.Empty.Add(DiagnosticProperties.ShapeReason, problem.Reason);
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidShape, method.Locations[0], properties,
            method.Name, problem.Text));
    }
}
