using System.Linq;
using Microsoft.CodeAnalysis;

namespace ImageLock.Shared;

/// <summary>
/// What C# compares to tell overloads apart: each parameter's type (method type parameters by position, nullable
/// annotations, tuple names and dynamic erased) and whether it is passed by reference. Compiled into both the
/// generator (to skip wrappers that would collide) and the analyzers (IMGL0003 reports exactly those skips).
/// </summary>
internal static class OverloadKeys
{
    private static readonly SymbolDisplayFormat Format = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.ExpandValueTuple | SymbolDisplayMiscellaneousOptions.ExpandNullable)
        .RemoveMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>With <paramref name="pathIndex"/> ≥ 0 that parameter counts as <c>string</c>: the generated overload's key.</summary>
    public static string Of(IMethodSymbol method, int pathIndex = -1) =>
        string.Join(", ", method.Parameters.Select((p, i) =>
            (p.RefKind == RefKind.None ? "" : "ref ") + (i == pathIndex ? "string" : TypeKey(p.Type))));

    private static string TypeKey(ITypeSymbol type) => type switch
    {
        ITypeParameterSymbol { TypeParameterKind: TypeParameterKind.Method } tp => "!!" + tp.Ordinal,
        IArrayTypeSymbol array => TypeKey(array.ElementType) + "[" + new string(',', array.Rank - 1) + "]",
        IDynamicTypeSymbol => "object",
        INamedTypeSymbol { SpecialType: SpecialType.System_String } => "string",
        INamedTypeSymbol { IsGenericType: true } named =>
            named.OriginalDefinition.WithNullableAnnotation(NullableAnnotation.NotAnnotated)
                .ToDisplayString(Format.WithGenericsOptions(SymbolDisplayGenericsOptions.None))
            + "`" + named.Arity + "[" + string.Join(",", named.TypeArguments.Select(TypeKey)) + "]",
        _ => type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(Format),
    };
}
