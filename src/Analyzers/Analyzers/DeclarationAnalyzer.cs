using System.Collections.Immutable;
using ImageLock.Analyzers.Common;
using ImageLock.Analyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ImageLock.Analyzers;

/// <summary>IMGL0006 (read without unsharing write) and IMGL0007 (declares nothing): judgements of the declaration alone.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DeclarationAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.UnprotectedRead, DiagnosticDescriptors.DeclaresNothing);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            if (KnownSymbols.TryCreate(start.Compilation) is not { } symbols) return;
            start.RegisterSymbolAction(c => Analyze(c, symbols), SymbolKind.Method);
        });
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
