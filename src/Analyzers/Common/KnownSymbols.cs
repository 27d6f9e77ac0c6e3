using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ImageLock.Analyzers.Common;

/// <summary>The ImageLock types, resolved once per compilation. Null when the compilation does not reference the SDK.</summary>
internal sealed class KnownSymbols
{
    public const string ImageAccessName = "ImageLock.ImageAccess";
    public const string AttributeName = "ImageLock.RequiresImageAccessAttribute";
    public const string ImageLeaseName = "ImageLock.ImageLease";

    private KnownSymbols(INamedTypeSymbol imageAccess, INamedTypeSymbol attribute, INamedTypeSymbol? imageLease, IMethodSymbol? enumHasFlag)
    {
        ImageAccess = imageAccess;
        Attribute = attribute;
        ImageLease = imageLease;
        EnumHasFlag = enumHasFlag;
        // Null with an SDK older than the guard API: guards are then simply not recognised.
        Allows = imageAccess.GetMembers("Allows").OfType<IMethodSymbol>().FirstOrDefault(m => m.Parameters.Length == 1);
        PermProperty = imageAccess.GetMembers("Perm").OfType<IPropertySymbol>().FirstOrDefault();
    }

    public INamedTypeSymbol ImageAccess { get; }
    public INamedTypeSymbol Attribute { get; }
    public INamedTypeSymbol? ImageLease { get; }

    /// <summary><c>ImageAccess.Allows(Perm)</c>, the run-time guard.</summary>
    public IMethodSymbol? Allows { get; }

    /// <summary><c>ImageAccess.Perm</c>, tested by <c>(image.Perm &amp; flag) != 0</c> and <c>image.Perm.HasFlag(flag)</c>.</summary>
    public IPropertySymbol? PermProperty { get; }

    /// <summary><c>System.Enum.HasFlag</c>.</summary>
    public IMethodSymbol? EnumHasFlag { get; }

    public static KnownSymbols? TryCreate(Compilation compilation)
    {
        var access = compilation.GetTypeByMetadataName(ImageAccessName);
        var attribute = compilation.GetTypeByMetadataName(AttributeName);
        if (access is null || attribute is null) return null;
        var hasFlag = compilation.GetSpecialType(SpecialType.System_Enum).GetMembers("HasFlag").OfType<IMethodSymbol>().FirstOrDefault();
        return new KnownSymbols(access, attribute, compilation.GetTypeByMetadataName(ImageLeaseName), hasFlag);
    }

    public bool IsImageAccess(ITypeSymbol? type) => SymbolEqualityComparer.Default.Equals(type, ImageAccess);

    public AttributeData? FindAttribute(ISymbol symbol)
    {
        if (!MayCarryAttributes(symbol)) return null;
        foreach (var attribute in symbol.GetAttributes())
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, Attribute)) return attribute;
        return null;
    }

    /// <summary>
    /// False for a source method whose declaration has no attribute list, most methods of a codebase: asking those for
    /// their attributes binds for nothing, and in a concurrent build races the compiler completing the same symbol.
    /// Partial methods merge the attributes of two declarations, so they are always asked.
    /// </summary>
    private static bool MayCarryAttributes(ISymbol symbol)
    {
        if (symbol is not IMethodSymbol { PartialDefinitionPart: null, PartialImplementationPart: null } method
            || method.DeclaringSyntaxReferences.IsEmpty) return true;
        foreach (var reference in method.DeclaringSyntaxReferences)
            if (reference.GetSyntax() is not MethodDeclarationSyntax { AttributeLists.Count: 0 }) return true;
        return false;
    }
}
