using System.Collections.Immutable;
using ImageLock.Analyzers.Common;
using ImageLock.Analyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ImageLock.Analyzers;

/// <summary>
/// Judgements of the declaration alone: IMGL0006 (read without unsharing write), IMGL0007 (declares nothing),
/// IMGL0010 (a wait the generator cannot express) and IMGL0011 (an unbounded wait nothing can cancel).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DeclarationAnalyzer : ImageLockAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.UnprotectedRead, DiagnosticDescriptors.DeclaresNothing,
            DiagnosticDescriptors.InvalidWait, DiagnosticDescriptors.UncancellableWait);

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

        foreach (var named in attribute.NamedArguments)
        {
            if (named.Key != "WaitMilliseconds" || named.Value.Value is not int wait) continue;
            var at = NamedArgumentLocation(attribute, named.Key, context.CancellationToken) ?? location;
            if (wait < -1)
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidWait, at, method.Name,
                    wait.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            else if (wait == -1 && !method.Parameters.Any(p => p.RefKind == RefKind.None && IsCancellationToken(p.Type)))
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UncancellableWait, at, method.Name));
        }
    }

    private static Location? NamedArgumentLocation(AttributeData attribute, string name, CancellationToken ct) =>
        attribute.ApplicationSyntaxReference?.GetSyntax(ct) is AttributeSyntax { ArgumentList: { } list }
            ? list.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name)?.GetLocation()
            : null;

    // Mirrors the generator: the first by-value System.Threading.CancellationToken parameter bounds the wait.
    private static bool IsCancellationToken(ITypeSymbol type) =>
        type is INamedTypeSymbol
        {
            Name: "CancellationToken", Arity: 0, ContainingType: null,
            ContainingNamespace: { Name: "Threading", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } },
        };
}
