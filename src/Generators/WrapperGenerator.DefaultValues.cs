using System;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ImageLock.Generators;

public sealed partial class WrapperGenerator
{
    /// <summary>Re-emits a parameter's default value as C# source that means the same constant.</summary>
    internal static class DefaultValues
    {
        public static string Render(ITypeSymbol type, object? value)
        {
            var target = type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable
                ? nullable.TypeArguments[0]
                : type;

            if (value is null)
                return NullOrDefault(type);

            // Enums as a cast of the underlying value: always valid, even for combinations of flags.
            if (target.TypeKind == TypeKind.Enum)
                return "(" + target.ToDisplayString(Signatures.TypeFormat) + ")(" + Literal(value) + ")";

            return Literal(value);
        }

        /// <summary><c>null</c>/<c>default</c>, with '!' where the user must have written it too (a non-nullable
        /// reference type or an unconstrained type parameter), so the wrapper compiles warning-free.</summary>
        private static string NullOrDefault(ITypeSymbol type)
        {
            if (type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
                return "null";
            if (type.IsValueType)
                return "default";
            // Oblivious types (a #nullable disable body) need no '!' either.
            string suppress = type.NullableAnnotation == NullableAnnotation.NotAnnotated ? "!" : "";
            return (type.IsReferenceType ? "null" : "default") + suppress;
        }

        private static string Literal(object value) => value switch
        {
            string s => SymbolDisplay.FormatLiteral(s, quote: true),
            char c => SymbolDisplay.FormatLiteral(c, quote: true),
            bool b => b ? "true" : "false",
            float f => Float(f),
            double d => Double(d),
            decimal m => m.ToString(CultureInfo.InvariantCulture) + "M",
            long l => l.ToString(CultureInfo.InvariantCulture) + "L",
            ulong ul => ul.ToString(CultureInfo.InvariantCulture) + "UL",
            uint ui => ui.ToString(CultureInfo.InvariantCulture) + "U",
            IFormattable other => other.ToString(null, CultureInfo.InvariantCulture), // int, short, byte, sbyte, ushort
            _ => value.ToString() ?? "default",
        };

        private static string Float(float f) =>
            float.IsNaN(f) ? "float.NaN"
            : float.IsPositiveInfinity(f) ? "float.PositiveInfinity"
            : float.IsNegativeInfinity(f) ? "float.NegativeInfinity"
            : f.ToString("R", CultureInfo.InvariantCulture) + "F";

        private static string Double(double d) =>
            double.IsNaN(d) ? "double.NaN"
            : double.IsPositiveInfinity(d) ? "double.PositiveInfinity"
            : double.IsNegativeInfinity(d) ? "double.NegativeInfinity"
            : d.ToString("R", CultureInfo.InvariantCulture) + "D";
    }
}
