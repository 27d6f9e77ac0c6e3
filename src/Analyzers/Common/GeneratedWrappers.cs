using System.Linq;
using Microsoft.CodeAnalysis;

namespace ImageLock.Analyzers.Common;

/// <summary>Recognises the overloads the ImageLock generator emitted, in this compilation or in metadata.</summary>
internal static class GeneratedWrappers
{
    // Compared by name, not ToDisplayString: IMGL0003 asks this of every same-name member of every annotated method.
    public static bool Is(IMethodSymbol method) =>
        method.GetAttributes().Any(a =>
            a.ConstructorArguments.Length == 2
            && a.ConstructorArguments[0].Value as string == "ImageLock.Generators"
            && a.AttributeClass is
            {
                Name: "GeneratedCodeAttribute", ContainingType: null,
                ContainingNamespace: { Name: "Compiler", ContainingNamespace: { Name: "CodeDom", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } },
            });
}
