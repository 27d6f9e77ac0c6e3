using System.Collections.Immutable;
using ImageLock.Analyzers.Common;
using ImageLock.Analyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ImageLock.Analyzers;

/// <summary>
/// IMGL0004: the ImageAccess parameter of a [RequiresImageAccess] method escapes the call. Deliberately precise, so
/// it has no false positives: the parameter itself stored in a field/property/event or returned, or a lambda or local
/// function that captures it stored in a field/property/event or returned, and either used by a deferred query
/// (IEnumerable/IQueryable operators) that is stored or returned. Locals, constructor arguments and un-awaited tasks
/// are not tracked (see docs/diagnostics/IMGL0004.md).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class EscapeAnalyzer : ImageLockAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.EscapingCapability);

    private protected override void Register(CompilationStartAnalysisContext start, KnownSymbols symbols)
    {
        var grants = new GrantCache(symbols);
        start.RegisterOperationBlockStartAction(block =>
        {
            // Only the capability of an annotated ordinary method is tracked: elsewhere no reference can escape one.
            if (block.OwningSymbol is not IMethodSymbol { MethodKind: MethodKind.Ordinary } || !CapabilityHolders.HoldsGranted(block.OwningSymbol, grants)) return;
            block.RegisterOperationAction(c => Analyze(c, grants), OperationKind.ParameterReference);
        });
    }

    private static void Analyze(OperationAnalysisContext context, GrantCache grants)
    {
        var reference = (IParameterReferenceOperation)context.Operation;
        var parameter = reference.Parameter;
        if (!grants.Symbols.IsImageAccess(parameter.Type)) return;
        if (parameter.ContainingSymbol is not IMethodSymbol { MethodKind: MethodKind.Ordinary } method || grants.Declared(method) is null) return;

        var function = OperationHelpers.OutermostFunction(reference);
        if (function is null)
        {
            if (Escape(reference) is { } where)
                Report(context, reference.Syntax, parameter.Name, where);
            return;
        }
        // Report each capturing function once: from its first reference to the parameter.
        if (!ReferenceEquals(FirstReference(function, parameter), reference)) return;

        if (function is IAnonymousFunctionOperation lambda && Escape(lambda) is { } stored)
            Report(context, lambda.Syntax, parameter.Name, "is captured by a lambda that " + stored);
        else if (function is ILocalFunctionOperation local)
            foreach (var methodReference in OperationHelpers.Root(local).Descendants().OfType<IMethodReferenceOperation>())
                if (SymbolEqualityComparer.Default.Equals(methodReference.Method, local.Symbol) && Escape(methodReference) is { } where)
                    Report(context, methodReference.Syntax, parameter.Name, $"is captured by local function '{local.Symbol.Name}', which " + where);
    }

    /// <summary>Where a value ends up when it leaves the method, phrased for the message ("is stored in 'X'"), or null.</summary>
    private static string? Escape(IOperation operation)
    {
        var (value, consumer) = OperationHelpers.Consumer(operation);
        switch (consumer)
        {
            case ISimpleAssignmentOperation assignment when assignment.Value == value:
                return Unwrap(assignment.Target) switch
                {
                    IFieldReferenceOperation field => $"is stored in field '{field.Field.Name}'",
                    IPropertyReferenceOperation property => $"is stored in property '{property.Property.Name}'",
                    _ => null,
                };
            case IEventAssignmentOperation subscription when subscription.HandlerValue == value && subscription.Adds:
                return subscription.EventReference is IEventReferenceOperation e ? $"is subscribed to event '{e.Event.Name}'" : null;
            case IReturnOperation { Kind: OperationKind.Return } ret when OperationHelpers.EnclosingFunction(ret) is null:
                return "is returned";
            case IArgumentOperation argument when argument.Value == value && argument.Parent is IInvocationOperation query && IsDeferred(query.Type):
                return Deferred(query);
            default:
                return null;
        }
    }

    /// <summary>
    /// A deferred query (<c>items.Select(i => image.Read(…))</c>, <c>Enumerable.Repeat(image, n)</c>) runs its lambdas
    /// when enumerated — after the lease is gone if the query leaves the method. Follows the chain of query operators
    /// (<c>.Where(…).Select(…)</c>, query syntax) to where the last one ends up.
    /// </summary>
    private static string? Deferred(IOperation query)
    {
        var current = query;
        while (true)
        {
            var (value, consumer) = OperationHelpers.Consumer(current);
            switch (consumer)
            {
                case ITranslatedQueryOperation translated:
                    current = translated;
                    continue;
                case IArgumentOperation { Parent: IInvocationOperation next } argument when argument.Value == value && IsDeferred(next.Type):
                    current = next;
                    continue;
                case IInvocationOperation next when next.Instance == value && IsDeferred(next.Type):
                    current = next;
                    continue;
            }
            return Escape(current) is { } where ? "is used by a deferred query that " + where : null;
        }
    }

    /// <summary>A sequence interface (IEnumerable, IQueryable, IOrderedEnumerable…): lazily evaluated, unlike arrays and lists.</summary>
    private static bool IsDeferred(ITypeSymbol? type) =>
        type is INamedTypeSymbol { TypeKind: TypeKind.Interface } named
        && (named.SpecialType == SpecialType.System_Collections_IEnumerable
            || named.AllInterfaces.Any(i => i.SpecialType == SpecialType.System_Collections_IEnumerable));

    private static IOperation Unwrap(IOperation operation) => OperationHelpers.Unwrap(operation) ?? operation;

    private static IParameterReferenceOperation? FirstReference(IOperation function, IParameterSymbol parameter) =>
        function.Descendants().OfType<IParameterReferenceOperation>()
            .FirstOrDefault(r => SymbolEqualityComparer.Default.Equals(r.Parameter, parameter));

    private static void Report(OperationAnalysisContext context, SyntaxNode node, string name, string where) =>
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.EscapingCapability, node.GetLocation(), name, where));
}
