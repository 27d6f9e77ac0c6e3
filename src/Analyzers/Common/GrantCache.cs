using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;

namespace ImageLock.Analyzers.Common;

/// <summary>Per-compilation lookup of grants; created in the compilation start action, never stored in a field of an analyzer.</summary>
internal sealed class GrantCache
{
    private readonly ConcurrentDictionary<IMethodSymbol, Grant?> _grants = new(SymbolEqualityComparer.Default);

    public GrantCache(KnownSymbols symbols) => Symbols = symbols;

    public KnownSymbols Symbols { get; }

    /// <summary>The method's own [RequiresImageAccess], or null.</summary>
    public Grant? Declared(IMethodSymbol method)
    {
        method = method.ReducedFrom ?? method;
        method = method.OriginalDefinition;
        return _grants.GetOrAdd(method, m => Symbols.FindAttribute(m) is { } a ? Grant.FromAttribute(m, a) : null);
    }

    /// <summary>
    /// The grant a capability received by <paramref name="method"/> runs under: its own attribute, or, for lambdas and
    /// local functions without one, the enclosing method's (they run inside the same lease).
    /// </summary>
    public Grant? InEffect(IMethodSymbol? method)
    {
        while (method is not null)
        {
            if (Declared(method) is { } grant) return grant;
            if (method.MethodKind is not (MethodKind.AnonymousFunction or MethodKind.LocalFunction)) return null;
            method = method.ContainingSymbol as IMethodSymbol;
        }
        return null;
    }
}
