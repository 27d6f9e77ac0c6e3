using System.Collections.Immutable;
using ImageLock.Analyzers.Common;
using ImageLock.Analyzers.Diagnostics;
using ImageLock.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ImageLock.Analyzers;

/// <summary>
/// IMGL0005: a method that holds an ImageAccess parameter calls Acquire/AcquireAsync/TryAcquire of a lease type or a
/// generated path overload. Under OFD locks a second lease on the same image in one process conflicts with the first.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ReacquireAnalyzer : ImageLockAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.ReacquireInsideLease);

    private protected override void Register(CompilationStartAnalysisContext start, KnownSymbols symbols)
    {
        var grants = new GrantCache(symbols);
        start.RegisterOperationBlockStartAction(block =>
        {
            // Only a capability holder can reacquire: the block's owner, or else a lambda or local function taking one.
            if (CapabilityHolders.Holds(block.OwningSymbol as IMethodSymbol, symbols))
                block.RegisterOperationAction(c => Analyze(c, (IInvocationOperation)c.Operation, grants), OperationKind.Invocation);
            else
                block.RegisterOperationAction(c => AnalyzeHolderFunction(c, grants), OperationKind.AnonymousFunction, OperationKind.LocalFunction);
        });
    }

    /// <summary>The calls inside the outermost lambda or local function that takes an ImageAccess (nested ones are in it).</summary>
    private static void AnalyzeHolderFunction(OperationAnalysisContext context, GrantCache grants)
    {
        if (!CapabilityHolders.Holds(FunctionSymbol(context.Operation), grants.Symbols)) return;
        for (var outer = context.Operation.Parent; outer is not null; outer = outer.Parent)
            if (CapabilityHolders.Holds(FunctionSymbol(outer), grants.Symbols)) return;
        foreach (var operation in context.Operation.Descendants())
            if (operation is IInvocationOperation invocation) Analyze(context, invocation, grants);
    }

    private static IMethodSymbol? FunctionSymbol(IOperation operation) => operation switch
    {
        IAnonymousFunctionOperation lambda => lambda.Symbol,
        ILocalFunctionOperation local => local.Symbol,
        _ => null,
    };

    private static void Analyze(OperationAnalysisContext context, IInvocationOperation invocation, GrantCache grants)
    {
        var target = invocation.TargetMethod;
        string? call = null;
        IArgumentOperation? pathArgument = null;

        if (IsLeaseAcquire(target, grants.Symbols))
            call = target.ContainingType.Name + "." + target.Name;
        else if (PathOverloadIndex(target, grants) is int index)
        {
            call = target.Name;
            pathArgument = invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == index);
        }
        if (call is null) return;
        if (Holder(invocation, context.ContainingSymbol, grants.Symbols) is not { } capability) return;

        var properties = ImmutableDictionary<string, string?>.Empty;
        var additional = Array.Empty<Location>();
        if (pathArgument is { Syntax: Microsoft.CodeAnalysis.CSharp.Syntax.ArgumentSyntax argument })
        {
            // Only path overloads can be fixed by passing the capability instead.
            properties = properties.Add(DiagnosticProperties.Capability, capability.Name);
            additional = new[] { argument.Expression.GetLocation() };
        }
        var holderName = capability.ContainingSymbol.Name;
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ReacquireInsideLease, invocation.Syntax.GetLocation(),
            additional, properties, call, holderName, capability.Name));
    }

    /// <summary>A static Acquire/AcquireAsync/TryAcquire of any of the SDK's lease types (ImageLease, ImageGraphLease, …).</summary>
    private static bool IsLeaseAcquire(IMethodSymbol target, KnownSymbols symbols) =>
        target is { IsStatic: true, Name: "Acquire" or "AcquireAsync" or "TryAcquire" }
        && target.ContainingType is { Name: var name } type
        && name.EndsWith("Lease", StringComparison.Ordinal)
        && SymbolEqualityComparer.Default.Equals(type.ContainingAssembly, symbols.ImageAccess.ContainingAssembly)
        && type.ContainingNamespace.ToDisplayString() == "ImageLock";

    /// <summary>The path parameter's index when <paramref name="target"/> is the path overload of an annotated sibling.</summary>
    private static int? PathOverloadIndex(IMethodSymbol target, GrantCache grants)
    {
        target = target.ReducedFrom ?? target;
        // Cheap tests first: most calls take no string, or have no annotated same-name sibling.
        if (target.MethodKind != MethodKind.Ordinary || !target.Parameters.Any(p => p.Type.SpecialType == SpecialType.System_String)) return null;
        if (grants.Declared(target) is not null) return null;
        string? key = null;
        foreach (var sibling in target.ContainingType.GetMembers(target.Name).OfType<IMethodSymbol>())
        {
            if (sibling.Parameters.Length != target.Parameters.Length || grants.Declared(sibling) is null) continue;
            key ??= OverloadKeys.Of(target.OriginalDefinition);
            var capabilities = sibling.Parameters.Where(p => grants.Symbols.IsImageAccess(p.Type)).ToList();
            if (capabilities.Count != 1) continue;
            int index = capabilities[0].Ordinal;
            if (target.Parameters[index].Type.SpecialType == SpecialType.System_String && OverloadKeys.Of(sibling, index) == key)
                return index;
        }
        return null;
    }

    /// <summary>The innermost ImageAccess parameter in scope: of an enclosing lambda or local function, or of the member.</summary>
    private static IParameterSymbol? Holder(IOperation operation, ISymbol member, KnownSymbols symbols)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (FunctionSymbol(current)?.Parameters.FirstOrDefault(p => symbols.IsImageAccess(p.Type)) is { } inner) return inner;
        }
        return (member as IMethodSymbol)?.Parameters.FirstOrDefault(p => symbols.IsImageAccess(p.Type));
    }
}
