using System.Collections.Generic;
using System.Linq;
using ImageLock.Generators.Models;
using Microsoft.CodeAnalysis;

namespace ImageLock.Generators;

public sealed partial class WrapperGenerator
{
    /// <summary>Renders parameters, constraints, crefs and overload keys of a method as C# text.</summary>
    internal static class Signatures
    {
        /// <summary>Fully qualified (<c>global::</c>), keywords for special types, nullable annotations kept.</summary>
        public static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
            .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

        /// <summary>Cref types: no nullable annotations and no tuple syntax (neither is allowed in a cref).</summary>
        private static readonly SymbolDisplayFormat CrefTypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
            .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.ExpandValueTuple | SymbolDisplayMiscellaneousOptions.ExpandNullable)
            .RemoveMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

        public static ParameterModel ParameterModelOf(IParameterSymbol parameter, string imageName, string pathName) => new(
            Names.Escape(parameter.Name),
            parameter.Type.ToDisplayString(TypeFormat),
            parameter.RefKind switch
            {
                RefKind.Ref => "ref",
                RefKind.Out => "out",
                RefKind.In => "in",
                RefKind.RefReadOnlyParameter => "ref readonly",
                _ => "",
            },
            parameter.IsParams,
            // IParameterSymbol.IsThis is the implicit 'this' of instance methods; an extension's receiver is ordinal 0.
            parameter.Ordinal == 0 && parameter.ContainingSymbol is IMethodSymbol { IsExtensionMethod: true },
            parameter.ScopedKind == ScopedKind.ScopedRef && parameter.RefKind != RefKind.Out,
            parameter.HasExplicitDefaultValue ? DefaultValues.Render(parameter.Type, parameter.ExplicitDefaultValue) : null,
            Attributes.Of(parameter.GetAttributes(), imageName, pathName));

        public static bool IsCancellationToken(ITypeSymbol type) =>
            type is INamedTypeSymbol { Name: "CancellationToken", Arity: 0, ContainingType: null } named
            && named.ContainingNamespace.ToDisplayString() == "System.Threading";

        // ITypeParameterSymbol.AllowsRefLikeType exists from Roslyn 4.12 (C# 13); the generator builds against 4.8,
        // so it is read by reflection and is false on compilers that cannot express the constraint anyway.
        private static readonly System.Reflection.PropertyInfo? AllowsRefLikeTypeProperty =
            typeof(ITypeParameterSymbol).GetProperty("AllowsRefLikeType");

        private static bool AllowsRefLikeType(ITypeParameterSymbol parameter) =>
            AllowsRefLikeTypeProperty?.GetValue(parameter) is true;

        /// <summary>The <c>where</c> clause of a method type parameter, or null when it has no constraints.</summary>
        public static string? ConstraintClause(ITypeParameterSymbol parameter)
        {
            var parts = new List<string>();
            if (parameter.HasReferenceTypeConstraint)
                parts.Add(parameter.ReferenceTypeConstraintNullableAnnotation == NullableAnnotation.Annotated ? "class?" : "class");
            else if (parameter.HasUnmanagedTypeConstraint)
                parts.Add("unmanaged");
            else if (parameter.HasValueTypeConstraint)
                parts.Add("struct");
            else if (parameter.HasNotNullConstraint)
                parts.Add("notnull");
            parts.AddRange(parameter.ConstraintTypes.Select(t => t.ToDisplayString(TypeFormat)));
            if (parameter.HasConstructorConstraint)
                parts.Add("new()");
            if (AllowsRefLikeType(parameter))
                parts.Add("allows ref struct");
            return parts.Count == 0 ? null : "where " + Names.Escape(parameter.Name) + " : " + string.Join(", ", parts);
        }

        /// <summary>A cref that names exactly the user's method, e.g. <c>Copy{T}(global::ImageLock.ImageAccess, T)</c>.</summary>
        public static string Cref(IMethodSymbol method)
        {
            string typeParameters = method.TypeParameters.Length == 0
                ? ""
                : "{" + string.Join(", ", method.TypeParameters.Select(t => Names.Escape(t.Name))) + "}";
            var parameters = method.Parameters.Select(p =>
                (p.RefKind switch { RefKind.Ref => "ref ", RefKind.Out => "out ", RefKind.In => "in ", RefKind.RefReadOnlyParameter => "ref readonly ", _ => "" })
                + p.Type.ToDisplayString(CrefTypeFormat).Replace('<', '{').Replace('>', '}'));
            return Names.Escape(method.Name) + typeParameters + "(" + string.Join(", ", parameters) + ")";
        }
    }
}
