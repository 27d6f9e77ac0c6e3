using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;

namespace ImageLock.Analyzers;

/// <summary>
/// The containing-type verdict of IMGL0003, once per type per compilation: every annotated method of a type asks the
/// same question, and answering it reads each declaration's syntax (is every part partial?).
/// </summary>
internal sealed class ContainerCache
{
    private readonly ConcurrentDictionary<INamedTypeSymbol, ShapeRules.Problem?> _verdicts = new(SymbolEqualityComparer.Default);

    public ShapeRules.Problem? Problem(INamedTypeSymbol? type, CancellationToken ct) =>
        type is null ? null : _verdicts.GetOrAdd(type, t => ShapeRules.Container(t, ct));
}
