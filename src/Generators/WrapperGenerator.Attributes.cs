using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using ImageLock.Generators.Models;
using Microsoft.CodeAnalysis;

namespace ImageLock.Generators;

public sealed partial class WrapperGenerator
{
    /// <summary>
    /// The attributes of the body a caller or the compiler relies on, re-emitted on the wrapper as C# source:
    /// caller info (so the values are the wrapper caller's), nullable flow, obsolescence, visibility, platform and
    /// trimming requirements. Anything else (test, routing, serialization attributes…) stays on the body only.
    /// </summary>
    internal static class Attributes
    {
        private const string CodeAnalysis = "System.Diagnostics.CodeAnalysis";

        /// <summary>Of System.Diagnostics.CodeAnalysis, the ones that do not describe the contract (or that the wrapper already has).</summary>
        private static readonly HashSet<string> NotCarried = new(System.StringComparer.Ordinal)
        {
            "SuppressMessageAttribute", "UnconditionalSuppressMessageAttribute", "ExcludeFromCodeCoverageAttribute",
            "DynamicDependencyAttribute", "SetsRequiredMembersAttribute",
        };

        private static readonly HashSet<string> Carried = new(System.StringComparer.Ordinal)
        {
            "System.ObsoleteAttribute",
            "System.CLSCompliantAttribute",
            "System.ComponentModel.EditorBrowsableAttribute",
            "System.Runtime.CompilerServices.CallerMemberNameAttribute",
            "System.Runtime.CompilerServices.CallerLineNumberAttribute",
            "System.Runtime.CompilerServices.CallerFilePathAttribute",
            "System.Runtime.CompilerServices.CallerArgumentExpressionAttribute",
            "System.Runtime.CompilerServices.InterpolatedStringHandlerArgumentAttribute",
            "System.Runtime.Versioning.SupportedOSPlatformAttribute",
            "System.Runtime.Versioning.UnsupportedOSPlatformAttribute",
            "System.Runtime.Versioning.ObsoletedOSPlatformAttribute",
            "System.Runtime.Versioning.SupportedOSPlatformGuardAttribute",
            "System.Runtime.Versioning.UnsupportedOSPlatformGuardAttribute",
            "System.Runtime.Versioning.RequiresPreviewFeaturesAttribute",
        };

        /// <summary>Attributes whose string arguments name a parameter: renamed when they name the ImageAccess one.</summary>
        private static readonly HashSet<string> NameParameters = new(System.StringComparer.Ordinal)
        {
            "System.Runtime.CompilerServices.CallerArgumentExpressionAttribute",
            "System.Runtime.CompilerServices.InterpolatedStringHandlerArgumentAttribute",
            CodeAnalysis + ".NotNullIfNotNullAttribute",
        };

        /// <param name="imageName">The body's ImageAccess parameter, and <paramref name="pathName"/> what the wrapper calls it.</param>
        public static EquatableArray<string> Of(ImmutableArray<AttributeData> attributes, string imageName, string pathName)
        {
            var carried = new List<string>();
            foreach (var attribute in attributes)
            {
                if (attribute.AttributeClass is not { TypeKind: not TypeKind.Error } type || !IsCarried(type))
                    continue;
                string name = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat.WithMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.None));
                bool renames = NameParameters.Contains(name.Substring("global::".Length));
                var arguments = new List<string>();
                bool renderable = true;
                foreach (var argument in attribute.ConstructorArguments)
                    renderable &= Render(argument, renames ? imageName : null, pathName, arguments);
                foreach (var named in attribute.NamedArguments)
                {
                    var value = new List<string>();
                    renderable &= Render(named.Value, null, pathName, value);
                    if (value.Count == 1) arguments.Add(Names.Escape(named.Key) + " = " + value[0]);
                }
                if (!renderable) continue;
                carried.Add(arguments.Count == 0 ? name : name + "(" + string.Join(", ", arguments) + ")");
            }
            return carried.ToEquatableArray();
        }

        private static bool IsCarried(INamedTypeSymbol type)
        {
            if (type.ContainingType is not null) return false;
            string ns = type.ContainingNamespace.ToDisplayString();
            if (ns == CodeAnalysis) return !NotCarried.Contains(type.Name);
            return Carried.Contains(ns + "." + type.Name);
        }

        /// <summary>Appends one argument as C# source; false when it does not bind (the compiler reports it).</summary>
        private static bool Render(TypedConstant constant, string? renameFrom, string renameTo, List<string> into)
        {
            string? text = Constant(constant, renameFrom, renameTo);
            if (text is null) return false;
            into.Add(text);
            return true;
        }

        private static string? Constant(TypedConstant constant, string? renameFrom, string renameTo)
        {
            switch (constant.Kind)
            {
                case TypedConstantKind.Error:
                    return null;
                case TypedConstantKind.Array:
                    if (constant.IsNull || constant.Type is not IArrayTypeSymbol array) return "null";
                    var items = constant.Values.Select(v => Constant(v, renameFrom, renameTo)).ToList();
                    if (items.Any(i => i is null)) return null;
                    return "new " + array.ToDisplayString(Signatures.TypeFormat) + " { " + string.Join(", ", items) + " }";
                case TypedConstantKind.Type:
                    return constant.Value is ITypeSymbol t ? "typeof(" + t.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + ")" : "null";
                default:
                    if (constant.IsNull) return "null";
                    if (constant.Value is string s && s == renameFrom) return DefaultValues.Render(constant.Type!, renameTo);
                    if (constant.Type is null) return null;
                    string literal = DefaultValues.Render(constant.Type, constant.Value);
                    // In an object-typed position (params object[]) a literal must keep its own type.
                    return constant.Type.SpecialType is SpecialType.System_Byte or SpecialType.System_SByte
                        or SpecialType.System_Int16 or SpecialType.System_UInt16
                        ? "(" + constant.Type.ToDisplayString(Signatures.TypeFormat) + ")" + literal
                        : literal;
            }
        }
    }
}
