using ImageLock.Analyzers.Common;
using ImageLock.Analyzers.Diagnostics;
using ImageLock.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ImageLock.Analyzers;

/// <summary>The first reason the generator cannot wrap a method, in the generator's own order, or null.</summary>
internal static class ShapeRules
{
    public readonly record struct Problem(string Reason, string Text);

    public static Problem? Find(IMethodSymbol method, KnownSymbols symbols, Compilation compilation, ContainerCache containers, CancellationToken ct)
    {
        if (DeclaresContractOnly(method)) return null;
        if (method.MethodKind != MethodKind.Ordinary)
            return new(ShapeReasons.UnsupportedParameter, "only ordinary methods get a path overload");
        if (method.IsVararg)
            return new(ShapeReasons.UnsupportedParameter, "it takes __arglist");
        if (method.ReturnsByRef || method.ReturnsByRefReadonly)
            return new(ShapeReasons.RefReturn, "it returns by reference");
        if (IsPointer(method.ReturnType))
            return new(ShapeReasons.UnsupportedParameter, "it returns a pointer");
        if (method.IsAsync && method.ReturnsVoid)
            return new(ShapeReasons.UnsupportedParameter, "it is async void, so the wrapper would release the lease at its first await");
        if (containers.Problem(method.ContainingType, ct) is { } container) return container;
        foreach (var parameter in method.Parameters)
            if (parameter.Type.IsRefLikeType || IsPointer(parameter.Type))
                return new(ShapeReasons.UnsupportedParameter, $"parameter '{parameter.Name}' is a ref struct or pointer");
        if (IsAsyncShape(method))
            foreach (var parameter in method.Parameters)
                if (parameter.RefKind != RefKind.None)
                    return new(ShapeReasons.UnsupportedParameter, $"parameter '{parameter.Name}' is passed by reference, which an async wrapper cannot take");
        if (IsIterator(method, ct))
            return new(ShapeReasons.Iterator, "it is an iterator, so the lease would be released before the caller enumerates");

        IParameterSymbol? capability = null;
        int count = 0;
        foreach (var parameter in method.Parameters)
            if (symbols.IsImageAccess(parameter.Type) && count++ == 0) capability = parameter;
        if (capability is null)
            return new(ShapeReasons.NoCapability, "it has no ImageAccess parameter");
        if (count > 1)
            return new(ShapeReasons.SeveralCapabilities, $"it has {count} ImageAccess parameters; a wrapper acquires one image");
        if (capability.RefKind != RefKind.None || capability.HasExplicitDefaultValue || capability.IsParams)
            return new(ShapeReasons.UnsupportedParameter, $"ImageAccess parameter '{capability.Name}' must be passed by value, without a default value");

        if (Collision(method, capability.Ordinal, symbols, compilation) is { } other)
            return new(ShapeReasons.Collision, $"its path overload would collide with '{other.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)}'");
        return null;
    }

    /// <summary>
    /// An interface member or an explicit interface implementation declares the contract callers are checked against
    /// (IMGL0002) and implementations must match (IMGL0008); it gets no path overload of its own — the implementing
    /// class's public member gets one — so there is no shape to report.
    /// </summary>
    public static bool DeclaresContractOnly(IMethodSymbol method) =>
        method.ContainingType?.TypeKind == TypeKind.Interface || method.MethodKind == MethodKind.ExplicitInterfaceImplementation;

    /// <summary>Why the containing types cannot take a generated partial, or null; asked once per type (<see cref="ContainerCache"/>).</summary>
    public static Problem? Container(INamedTypeSymbol? type, CancellationToken ct)
    {
        for (; type is not null; type = type.ContainingType)
        {
            if (type.TypeKind is not (TypeKind.Class or TypeKind.Struct))
                return new(ShapeReasons.UnsupportedParameter, $"containing type '{type.Name}' is not a class or struct");
            if (type.IsFileLocal)
                return new(ShapeReasons.UnsupportedParameter, $"containing type '{type.Name}' is file-local");
            if (type.IsRefLikeType)
                return new(ShapeReasons.UnsupportedParameter, $"containing type '{type.Name}' is a ref struct");
            bool partial = type.DeclaringSyntaxReferences.Length > 0 && type.DeclaringSyntaxReferences.All(r =>
                r.GetSyntax(ct) is TypeDeclarationSyntax declaration && declaration.Modifiers.Any(SyntaxKind.PartialKeyword));
            if (!partial)
                return new(ShapeReasons.NotPartial, $"containing type '{type.Name}' is not partial");
        }
        return null;
    }

    /// <summary>A same-name member with the generated overload's signature: in the type itself (except generated
    /// wrappers, which are this method's own), another annotated method's future wrapper, or a hand-written
    /// accessible member of a base type.</summary>
    private static IMethodSymbol? Collision(IMethodSymbol method, int index, KnownSymbols symbols, Compilation compilation)
    {
        // The key is built only for a same-name member that could clash: most methods have none but themselves.
        string? key = null;
        string Key() => key ??= OverloadKeys.Of(method, index);
        var self = method.PartialDefinitionPart ?? method;
        foreach (var member in SameName(method.ContainingType, method))
        {
            if (SymbolEqualityComparer.Default.Equals(member.PartialDefinitionPart ?? member, self)) continue;
            if (member.Parameters.Length != method.Parameters.Length || GeneratedWrappers.Is(member)) continue;
            if (OverloadKeys.Of(member) == Key()) return member;
            if (symbols.FindAttribute(member) is not null && SingleCapability(member, symbols) is int other && OverloadKeys.Of(member, other) == Key())
                return member;
        }
        for (var baseType = method.ContainingType.BaseType; baseType is not null; baseType = baseType.BaseType)
            foreach (var member in SameName(baseType, method))
                if (member.Parameters.Length == method.Parameters.Length
                    && member.DeclaredAccessibility != Accessibility.Private
                    && compilation.IsSymbolAccessibleWithin(member, method.ContainingType)
                    && !GeneratedWrappers.Is(member)
                    && OverloadKeys.Of(member) == Key())
                    return member;
        return null;
    }

    private static IEnumerable<IMethodSymbol> SameName(INamedTypeSymbol type, IMethodSymbol method) =>
        type.GetMembers(method.Name).OfType<IMethodSymbol>()
            .Where(m => m.MethodKind == MethodKind.Ordinary && m.TypeParameters.Length == method.TypeParameters.Length);

    private static int? SingleCapability(IMethodSymbol method, KnownSymbols symbols)
    {
        int? found = null;
        foreach (var parameter in method.Parameters)
        {
            if (!symbols.IsImageAccess(parameter.Type)) continue;
            if (found is not null) return null;
            found = parameter.Ordinal;
        }
        return found;
    }

    private static bool IsPointer(ITypeSymbol type) =>
        type is IPointerTypeSymbol or IFunctionPointerTypeSymbol || (type is IArrayTypeSymbol array && IsPointer(array.ElementType));

    private static bool IsAsyncShape(IMethodSymbol method) =>
        method.ReturnType is INamedTypeSymbol
        {
            Name: "Task" or "ValueTask", Arity: 0 or 1,
            ContainingNamespace: { Name: "Tasks", ContainingNamespace: { Name: "Threading", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } },
        };

    // `yield` outside nested functions, in any part of a partial method.
    private static bool IsIterator(IMethodSymbol method, CancellationToken ct) =>
        HasYield(method, ct) || (method.PartialImplementationPart is { } implementation && HasYield(implementation, ct));

    private static bool HasYield(IMethodSymbol part, CancellationToken ct)
    {
        foreach (var reference in part.DeclaringSyntaxReferences)
            if (reference.GetSyntax(ct) is MethodDeclarationSyntax { Body: { } body })
                foreach (var node in body.DescendantNodes(IntoStatements))
                    if (node is YieldStatementSyntax) return true;
        return false;
    }

    // `yield` is a statement: it sits in blocks and the clauses of other statements, never inside an expression (a
    // lambda is one), so the walk skips every expression subtree — most of a body — and local functions.
    private static bool IntoStatements(SyntaxNode node) =>
        node is StatementSyntax and not LocalFunctionStatementSyntax
            or ElseClauseSyntax or CatchClauseSyntax or FinallyClauseSyntax or SwitchSectionSyntax;
}
