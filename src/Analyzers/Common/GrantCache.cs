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
    /// The grant a capability received by <paramref name="method"/> runs under: the method's own attribute. A grant follows
    /// its provenance: a parameter the enclosing method received keeps that method as its container when a lambda or local
    /// function captures it, so it is judged by that method's grant; a lambda's or local function's own ImageAccess parameter
    /// comes from whoever invokes the delegate (typically a callback under another lease) and is not judged.
    /// </summary>
    public Grant? InEffect(IMethodSymbol? method) =>
        method is null || method.MethodKind is MethodKind.AnonymousFunction or MethodKind.LocalFunction ? null : Declared(method);
}
