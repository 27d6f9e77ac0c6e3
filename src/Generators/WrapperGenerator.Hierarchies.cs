using System.Collections.Generic;
using System.Linq;
using ImageLock.Generators.Models;
using Microsoft.CodeAnalysis;

namespace ImageLock.Generators;

public sealed partial class WrapperGenerator
{
    /// <summary>Captures a method's containing types as a <see cref="HierarchyInfo"/>.</summary>
    internal static class Hierarchies
    {
        public static HierarchyInfo Of(INamedTypeSymbol innermost)
        {
            var chain = new List<TypeDeclarationInfo>();
            for (var type = innermost; type is not null; type = type.ContainingType)
                chain.Add(Declaration(type));
            chain.Reverse();
            var types = chain.ToEquatableArray();

            var ns = innermost;
            while (ns.ContainingType is not null) ns = ns.ContainingType;
            string @namespace = ns.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : "";
            return new HierarchyInfo(HintNames.For(@namespace, types), @namespace, types);
        }

        private static TypeDeclarationInfo Declaration(INamedTypeSymbol type)
        {
            string keyword = (type.IsRecord, type.TypeKind) switch
            {
                (true, TypeKind.Struct) => "record struct",
                (true, _) => "record",
                (false, TypeKind.Struct) => "struct",
                _ => "class",
            };
            return new TypeDeclarationInfo(
                keyword,
                type.TypeKind == TypeKind.Struct && type.IsReadOnly,
                Names.Escape(type.Name),
                type.TypeParameters.Select(t => Names.Escape(t.Name)).ToEquatableArray());
        }
    }
}
