using System.Collections.Immutable;
using ImageLock.Analyzers.Common;
using ImageLock.Analyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ImageLock.Analyzers;

/// <summary>
/// IMGL0001 and IMGL0002: every use of a received ImageAccess must fit the grant of the method that received it
/// (lambdas and local functions inherit it). Checks are local: the method's own attribute, the callee's attribute,
/// and run-time checks on the same capability that guard the use (<see cref="PermGuards"/>).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class PermissionAnalyzer : ImageLockAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.OperationNotGranted, DiagnosticDescriptors.CalleeNeedsMore);

    private protected override void Register(CompilationStartAnalysisContext start, KnownSymbols symbols)
    {
        var grants = new GrantCache(symbols);
        start.RegisterOperationBlockStartAction(block =>
        {
            // Uses are judged only against the grant of the method that received the capability: elsewhere nothing to report.
            if (!CapabilityHolders.HoldsGranted(block.OwningSymbol, grants)) return;
            block.RegisterOperationAction(c => AnalyzeInvocation(c, grants), OperationKind.Invocation);
            block.RegisterOperationAction(c => AnalyzeMethodReference(c, grants), OperationKind.MethodReference);
        });
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, GrantCache grants)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var target = invocation.TargetMethod;
        if (SymbolEqualityComparer.Default.Equals(target.ContainingType, grants.Symbols.ImageAccess))
        {
            CheckOperation(context, grants, target.Name, invocation.Instance);
            return;
        }
        // Only a call that passes a capability parameter can need more than the caller's grant.
        if (!invocation.Arguments.Any(a => OperationHelpers.CapabilityParameter(a.Value, grants.Symbols) is not null)) return;
        if (grants.Declared(target) is { } callee)
            foreach (var argument in invocation.Arguments)
                CheckCallee(context, grants, callee, argument.Value);
    }

    private static void AnalyzeMethodReference(OperationAnalysisContext context, GrantCache grants)
    {
        // `Action<long> resize = image.SetLength;` uses the operation as surely as calling it.
        var reference = (IMethodReferenceOperation)context.Operation;
        if (SymbolEqualityComparer.Default.Equals(reference.Method.ContainingType, grants.Symbols.ImageAccess))
            CheckOperation(context, grants, reference.Method.Name, reference.Instance);
    }

    private static void CheckOperation(OperationAnalysisContext context, GrantCache grants, string member, IOperation? instance)
    {
        if (!OperationRequirements.TryGet(member, out int needed, out bool any, out int toAdd, out string text)) return;
        if (OperationHelpers.CapabilityParameter(instance, grants.Symbols) is not { } parameter) return;
        if (grants.InEffect(parameter.ContainingSymbol as IMethodSymbol) is not { } grant) return;
        if (OperationRequirements.Allows(grant.Perm, needed, any)) return;
        // Guarded by a check on the same capability (`if (image.Allows(Perm.Resize))`): a caller may pass more than declared.
        if (OperationRequirements.Allows(grant.Perm | PermGuards.Proven(context.Operation, parameter, grants.Symbols), needed, any)) return;

        context.ReportDiagnostic(Create(DiagnosticDescriptors.OperationNotGranted, context.Operation, grant, toAdd, 0,
            member, text, grant.Method.Name, grant.Describe(), grant.JustificationSuffix));
    }

    private static void CheckCallee(OperationAnalysisContext context, GrantCache grants, Grant callee, IOperation value)
    {
        if (OperationHelpers.CapabilityParameter(value, grants.Symbols) is not { } parameter) return;
        if (grants.InEffect(parameter.ContainingSymbol as IMethodSymbol) is not { } caller) return;
        int missingPerm = callee.Perm & ~caller.EffectivePerm;
        // Guards prove permissions only; what a lease unshares has no run-time check to guard on.
        if (missingPerm != 0)
            missingPerm = callee.Perm & ~Grant.Effective(caller.Perm | PermGuards.Proven(context.Operation, parameter, grants.Symbols));
        int missingUnshare = callee.Unshare & ~caller.Unshare;
        if (missingPerm == 0 && missingUnshare == 0) return;

        context.ReportDiagnostic(Create(DiagnosticDescriptors.CalleeNeedsMore, context.Operation, caller, missingPerm, missingUnshare,
            callee.Method.Name, callee.Describe(), caller.Method.Name, caller.Describe(), caller.JustificationSuffix));
    }

    // The caller's attribute travels as the additional location so the fix can widen it without re-deriving the grant.
    private static Diagnostic Create(DiagnosticDescriptor descriptor, IOperation operation, Grant grant, int perm, int unshare, params object[] args)
    {
        var properties = ImmutableDictionary<string, string?>.Empty
            .Add(DiagnosticProperties.MissingPerm, perm.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Add(DiagnosticProperties.MissingUnshare, unshare.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var additional = grant.AttributeLocation is { } location ? new[] { location } : Array.Empty<Location>();
        return Diagnostic.Create(descriptor, operation.Syntax.GetLocation(), additional, properties, args);
    }
}
