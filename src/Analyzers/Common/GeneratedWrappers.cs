using System.Linq;
using Microsoft.CodeAnalysis;

namespace ImageLock.Analyzers.Common;

/// <summary>Recognises the overloads the ImageLock generator emitted, in this compilation or in metadata.</summary>
internal static class GeneratedWrappers
{
    public static bool Is(IMethodSymbol method) =>
        method.GetAttributes().Any(a =>
            a.AttributeClass?.ToDisplayString() == "System.CodeDom.Compiler.GeneratedCodeAttribute"
            && a.ConstructorArguments.Length == 2
            && a.ConstructorArguments[0].Value as string == "ImageLock.Generators");
}
