using System.Collections.Immutable;
using ImageLock.Analyzers.Common;
using ImageLock.Analyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ImageLock.Analyzers;

/// <summary>
/// IMGL0008 (the IL2046 analog): an override or interface implementation must declare the same Perm and Unshare as
/// the member it overrides or implements, because callers check the capability against that member.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class OverrideAnalyzer : ImageLockAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.BaseMismatch);

    private protected override void Register(CompilationStartAnalysisContext start, KnownSymbols symbols)
    {
        var grants = new GrantCache(symbols);
        start.RegisterSymbolAction(c => Analyze(c, grants), SymbolKind.Method);
    }

    private static void Analyze(SymbolAnalysisContext context, GrantCache grants)
    {
        var method = (IMethodSymbol)context.Symbol;
        // Nothing to compare for a method that overrides nothing in a type that implements no interface.
        if (method.OverriddenMethod is null && method.ExplicitInterfaceImplementations.IsEmpty && method.ContainingType.AllInterfaces.IsEmpty)
            return;
        foreach (var baseMember in BaseMembers(method))
        {
            var own = grants.Declared(method);
            var other = grants.Declared(baseMember);
            if (own is null && other is null) continue;
            if (own is not null && other is not null && own.Perm == other.Perm && own.Unshare == other.Unshare) continue;

            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.BaseMismatch, method.Locations[0],
                method.Name, Describe(own), baseMember.ContainingType.Name + "." + baseMember.Name, Describe(other)));
        }
    }

    private static string Describe(Grant? grant) => grant?.Describe() ?? "no [RequiresImageAccess]";

    private static IEnumerable<IMethodSymbol> BaseMembers(IMethodSymbol method)
    {
        if (method.OverriddenMethod is { } overridden) yield return overridden;
        var seen = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        foreach (var explicitMember in method.ExplicitInterfaceImplementations)
            if (seen.Add(explicitMember)) yield return explicitMember;
        foreach (var @interface in method.ContainingType.AllInterfaces)
            foreach (var member in @interface.GetMembers(method.Name).OfType<IMethodSymbol>())
                if (SymbolEqualityComparer.Default.Equals(method.ContainingType.FindImplementationForInterfaceMember(member), method) && seen.Add(member))
                    yield return member;
    }
}
