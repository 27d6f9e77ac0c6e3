using System.Collections.Immutable;
using ImageLock.Analyzers.Common;
using ImageLock.Analyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ImageLock.Analyzers;

/// <summary>IMGL0006 (read without unsharing write) and IMGL0007 (declares nothing): judgements of the declaration alone.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DeclarationAnalyzer : ImageLockAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.UnprotectedRead, DiagnosticDescriptors.DeclaresNothing);

    private protected override void Register(CompilationStartAnalysisContext start, KnownSymbols symbols)
    {
        start.RegisterSymbolAction(c => Analyze(c, symbols), SymbolKind.Method);
    }

    private static void Analyze(SymbolAnalysisContext context, KnownSymbols symbols)
    {
        var method = (IMethodSymbol)context.Symbol;
        if (symbols.FindAttribute(method) is not { } attribute) return;
        var grant = Grant.FromAttribute(method, attribute);
        var location = grant.AttributeLocation ?? method.Locations[0];

        if (grant.Perm == 0 && grant.Unshare == 0)
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DeclaresNothing, location, method.Name));
        else if ((grant.Perm & Grant.Read) != 0 && (grant.Unshare & Grant.Write) == 0)
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnprotectedRead, location, method.Name));
    }
}
