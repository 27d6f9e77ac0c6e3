using System.Linq;
using ImageLock.Shared;
using Microsoft.CodeAnalysis;

namespace ImageLock.Generators;

public sealed partial class WrapperGenerator
{
    /// <summary>Finds members the path overload would clash with.</summary>
    internal static class Collisions
    {
        /// <summary>
        /// Null when the wrapper would collide with a member of its own type (a hand-written overload or another
        /// annotated method whose wrapper has the same parameters) or would hide a hand-written inherited member.
        /// Otherwise whether it hides an inherited wrapper (an overridden or re-declared annotated method), which the
        /// emitter marks <c>new</c>.
        /// </summary>
        public static bool? Find(IMethodSymbol method, int imageIndex, Compilation compilation)
        {
            string wrapperKey = OverloadKeys.Of(method, imageIndex);
            var self = method.PartialDefinitionPart ?? method;

            foreach (var member in SameNameMethods(method.ContainingType, method))
            {
                if (SymbolEqualityComparer.Default.Equals(member.PartialDefinitionPart ?? member, self))
                    continue;
                if (Clashes(member, wrapperKey, method.TypeParameters.Length) != Clash.None)
                    return null;
            }

            bool hidesWrapper = false;
            for (var baseType = method.ContainingType.BaseType; baseType is not null; baseType = baseType.BaseType)
            {
                foreach (var member in SameNameMethods(baseType, method))
                {
                    if (member.DeclaredAccessibility == Accessibility.Private
                        || !compilation.IsSymbolAccessibleWithin(member, method.ContainingType))
                        continue;
                    switch (Clashes(member, wrapperKey, method.TypeParameters.Length))
                    {
                        case Clash.HandWritten: return null;
                        case Clash.Wrapper: hidesWrapper = true; break;
                    }
                }
            }
            return hidesWrapper;
        }

        private enum Clash { None, HandWritten, Wrapper }

        private static Clash Clashes(IMethodSymbol member, string wrapperKey, int arity)
        {
            if (member.TypeParameters.Length != arity)
                return Clash.None;
            // A generated wrapper already in metadata (the base type lives in another assembly).
            if (OverloadKeys.Of(member) == wrapperKey)
                return IsGeneratedWrapper(member) ? Clash.Wrapper : Clash.HandWritten;
            // Another annotated method: its wrapper (generated in this same run) would have the same parameters.
            if (IsAnnotated(member) && Shapes.SingleImageAccessIndex(member) is var index and >= 0
                && OverloadKeys.Of(member, index) == wrapperKey)
                return Clash.Wrapper;
            return Clash.None;
        }

        private static System.Collections.Generic.IEnumerable<IMethodSymbol> SameNameMethods(INamedTypeSymbol type, IMethodSymbol method) =>
            type.GetMembers(method.Name).OfType<IMethodSymbol>().Where(m => m.MethodKind == MethodKind.Ordinary);

        private static bool IsAnnotated(IMethodSymbol method) =>
            method.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == KnownNames.RequiresImageAccessAttribute);

        private static bool IsGeneratedWrapper(IMethodSymbol method) =>
            method.GetAttributes().Any(a =>
                a.AttributeClass?.ToDisplayString() == "System.CodeDom.Compiler.GeneratedCodeAttribute"
                && a.ConstructorArguments.Length == 2
                && a.ConstructorArguments[0].Value as string == KnownNames.GeneratorName);
    }
}
